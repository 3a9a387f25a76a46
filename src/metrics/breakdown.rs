//! Breakdowns of responses by segment key and by calendar period in a named time zone.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::MetricsError;
use super::response::{Label, Response};
use super::scale::Score;
use super::tally::Tally;
use crate::stats::{Adjustment, Comparison, adjust_p_values};
use crate::text::excerpt;

/// A calendar bucket for time breakdowns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimeBucket {
    /// A local calendar day.
    Day,
    /// An ISO 8601 week, Monday to Sunday, numbered within its ISO week-year.
    IsoWeek,
    /// A calendar month.
    Month,
    /// A calendar quarter (January, April, July, October).
    Quarter,
}

/// One calendar period: a bucket and the local date it starts on. Printed and serialized as `2026-11-23`
/// (day), `2026-W48` (ISO week), `2026-11` (month) or `2026-Q4` (quarter), and parsed back from the same text.
/// Periods order by bucket, then start.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer_care::metrics::{Period, TimeBucket};
///
/// // 23:30 UTC on Sunday 31 May 2026 is already Monday 1 June in Ho Chi Minh City.
/// let at = Utc.with_ymd_and_hms(2026, 5, 31, 23, 30, 0).single().ok_or("no such instant")?;
/// let zone = chrono_tz::Asia::Ho_Chi_Minh;
/// assert_eq!(Period::containing(at, TimeBucket::Day, zone).to_string(), "2026-06-01");
/// assert_eq!(Period::containing(at, TimeBucket::IsoWeek, zone).to_string(), "2026-W23");
/// assert_eq!(Period::containing(at, TimeBucket::Quarter, zone).to_string(), "2026-Q2");
/// assert_eq!(Period::containing(at, TimeBucket::Month, chrono_tz::UTC).to_string(), "2026-05");
/// assert_eq!("2026-W23".parse::<Period>()?, Period::containing(at, TimeBucket::IsoWeek, zone));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    bucket: TimeBucket,
    start: NaiveDate,
}

impl Period {
    /// The period of `bucket` containing the local date `date`.
    pub fn of_date(date: NaiveDate, bucket: TimeBucket) -> Self {
        let start = match bucket {
            TimeBucket::Day => date,
            TimeBucket::IsoWeek => date
                .checked_sub_days(chrono::Days::new(u64::from(date.weekday().num_days_from_monday())))
                .unwrap_or(date),
            TimeBucket::Month => date.with_day(1).unwrap_or(date),
            TimeBucket::Quarter => {
                let month = (date.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
            }
        };
        Self { bucket, start }
    }

    /// The period of `bucket` containing the instant `at`, in the local calendar of `zone`: the local date with the
    /// offset in force at `at`, so a fold or gap never moves an instant into another day.
    ///
    /// At the very ends of chrono's range (about 262,000 years away), where the local date cannot be
    /// represented, the UTC date is used; a week that would start before the first representable date starts on
    /// that date.
    pub fn containing(at: DateTime<Utc>, bucket: TimeBucket, zone: Tz) -> Self {
        Self::of_date(crate::local_day::local_date_or_utc(zone, at), bucket)
    }

    /// The bucket.
    pub const fn bucket(&self) -> TimeBucket {
        self.bucket
    }

    /// The first local date of the period.
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first local date after the period (`None` past the end of the calendar).
    pub fn end(&self) -> Option<NaiveDate> {
        match self.bucket {
            TimeBucket::Day => self.start.succ_opt(),
            TimeBucket::IsoWeek => self.start.checked_add_days(chrono::Days::new(7)),
            TimeBucket::Month => self.start.checked_add_months(Months::new(1)),
            TimeBucket::Quarter => self.start.checked_add_months(Months::new(3)),
        }
    }

    /// The next period of the same bucket.
    pub fn next(&self) -> Option<Self> {
        self.end().map(|d| Self::of_date(d, self.bucket))
    }

    /// The previous period of the same bucket.
    pub fn previous(&self) -> Option<Self> {
        self.start.pred_opt().map(|d| Self::of_date(d, self.bucket))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.start;
        match self.bucket {
            TimeBucket::Day => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            TimeBucket::IsoWeek => {
                let w = d.iso_week();
                write!(f, "{:04}-W{:02}", w.year(), w.week())
            }
            TimeBucket::Month => write!(f, "{:04}-{:02}", d.year(), d.month()),
            TimeBucket::Quarter => write!(f, "{:04}-Q{}", d.year(), d.month0() / 3 + 1),
        }
    }
}

impl FromStr for Period {
    type Err = MetricsError;
    fn from_str(s: &str) -> Result<Self, MetricsError> {
        let invalid = || MetricsError::InvalidPeriod { input: excerpt(s) };
        // The year may carry a sign ("-0044-03"), so split at the first '-' after the first character.
        let cut = s.char_indices().skip(1).find(|&(_, c)| c == '-').map(|(i, _)| i).ok_or_else(invalid)?;
        let (year, rest) = (s.get(..cut).ok_or_else(invalid)?, s.get(cut + 1..).ok_or_else(invalid)?);
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let number = |t: &str| t.parse::<u32>().map_err(|_| invalid());
        let period = if let Some(week) = rest.strip_prefix('W') {
            let start = NaiveDate::from_isoywd_opt(year, number(week)?, chrono::Weekday::Mon).ok_or_else(invalid)?;
            Self { bucket: TimeBucket::IsoWeek, start }
        } else if let Some(quarter) = rest.strip_prefix('Q') {
            let q = number(quarter)?;
            if !(1..=4).contains(&q) {
                return Err(invalid());
            }
            let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or_else(invalid)?;
            Self { bucket: TimeBucket::Quarter, start }
        } else if let Some((month, day)) = rest.split_once('-') {
            let start = NaiveDate::from_ymd_opt(year, number(month)?, number(day)?).ok_or_else(invalid)?;
            Self { bucket: TimeBucket::Day, start }
        } else {
            let start = NaiveDate::from_ymd_opt(year, number(rest)?, 1).ok_or_else(invalid)?;
            Self { bucket: TimeBucket::Month, start }
        };
        // Only the canonical spelling round-trips ("2026-6" is rejected in favour of "2026-06").
        if period.to_string() == s { Ok(period) } else { Err(invalid()) }
    }
}

impl TryFrom<String> for Period {
    type Error = MetricsError;
    fn try_from(s: String) -> Result<Self, MetricsError> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> Self {
        p.to_string()
    }
}

/// Tallies per key (segment, channel, agent, period), plus one tally of the responses that had no key.
/// Mergeable like the tallies inside.
///
/// ```
/// use customer_care::metrics::{Breakdown, NpsScale, NpsScore, Response};
///
/// let responses = vec![
///     Response::new(NpsScore::new(10)?).with_segment("HCM-Q1".parse()?),
///     Response::new(NpsScore::new(3)?).with_segment("HN-HK".parse()?),
///     Response::new(NpsScore::new(9)?),
/// ];
/// let by_store = Breakdown::by_segment(NpsScale, &responses)?;
/// assert_eq!(by_store.groups().len(), 2);
/// assert_eq!(by_store.unassigned().n(), 1);
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound(serialize = "K: Serialize + Ord"))]
pub struct Breakdown<K, S: Score> {
    groups: BTreeMap<K, Tally<S>>,
    unassigned: Tally<S>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "K: Deserialize<'de> + Ord"))]
struct BreakdownRepr<K, S: Score> {
    groups: BTreeMap<K, Tally<S>>,
    unassigned: Tally<S>,
}

impl<'de, K: Deserialize<'de> + Ord, S: Score> Deserialize<'de> for Breakdown<K, S> {
    /// Validates that every group is on the breakdown's scale.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let BreakdownRepr { groups, unassigned } = BreakdownRepr::deserialize(deserializer)?;
        if let Some(t) = groups.values().find(|t| t.scale_spec() != unassigned.scale_spec()) {
            let mismatch = MetricsError::ScaleMismatch { left: unassigned.scale(), right: t.scale() };
            return Err(serde::de::Error::custom(mismatch));
        }
        Ok(Self { groups, unassigned })
    }
}

impl<K: Ord + Clone, S: Score> Breakdown<K, S> {
    /// An empty breakdown on `scale`.
    pub const fn new(scale: S::Scale) -> Self {
        Self { groups: BTreeMap::new(), unassigned: Tally::new(scale) }
    }

    /// Adds a response under `key` (`None`: to the unassigned tally).
    ///
    /// # Errors
    ///
    /// As [`Tally::add_response`].
    pub fn add(&mut self, key: Option<K>, response: &Response<S>) -> Result<(), MetricsError> {
        match key {
            None => self.unassigned.add_response(response),
            Some(key) => {
                let scale = self.unassigned.scale_spec();
                self.groups.entry(key).or_insert_with(|| Tally::new(scale)).add_response(response)
            }
        }
    }

    /// Groups responses by a key computed from each response.
    ///
    /// # Errors
    ///
    /// As [`Tally::add_response`], for the first response that fails.
    pub fn by<'a, F>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
        mut key: F,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
        F: FnMut(&Response<S>) -> Option<K>,
    {
        let mut breakdown = Self::new(scale);
        for r in responses {
            breakdown.add(key(r), r)?;
        }
        Ok(breakdown)
    }

    /// Merges another breakdown key by key.
    ///
    /// # Errors
    ///
    /// As [`Tally::merge`]; on error this breakdown may hold some of the other's groups already (merge into a
    /// clone when that matters).
    pub fn merge(&mut self, other: &Self) -> Result<(), MetricsError> {
        self.unassigned.merge(&other.unassigned)?;
        for (key, tally) in &other.groups {
            let scale = self.unassigned.scale_spec();
            self.groups.entry(key.clone()).or_insert_with(|| Tally::new(scale)).merge(tally)?;
        }
        Ok(())
    }

    /// The tallies per key, in key order.
    pub const fn groups(&self) -> &BTreeMap<K, Tally<S>> {
        &self.groups
    }

    /// The tally for one key.
    pub fn get(&self, key: &K) -> Option<&Tally<S>> {
        self.groups.get(key)
    }

    /// Responses without a key.
    pub const fn unassigned(&self) -> &Tally<S> {
        &self.unassigned
    }

    /// All responses, keyed or not.
    ///
    /// # Errors
    ///
    /// [`MetricsError::TallyOverflow`] if the total does not fit.
    pub fn total(&self) -> Result<Tally<S>, MetricsError> {
        let mut total = self.unassigned;
        for tally in self.groups.values() {
            total.merge(tally)?;
        }
        Ok(total)
    }
}

impl<K: Ord + Clone, S: Score> Breakdown<K, S> {
    /// Compares each group with the same key in `before` (this month's stores against last month's, say) using
    /// `compare` (for example `|now, then| now.compare_nps(then, level)`), then adjusts the p-values of all the
    /// comparisons together with `adjustment`. Keys missing from either side are skipped. The result maps each
    /// key to its comparison and its adjusted p-value.
    ///
    /// # Errors
    ///
    /// The first error `compare` returns (such as an empty group), as [`MetricsError`].
    ///
    /// ```
    /// use customer_care::metrics::{Breakdown, NpsScale, NpsScore, Response};
    /// use customer_care::stats::{Adjustment, ConfidenceLevel};
    ///
    /// let answer = |store: &str, score: u8| -> Result<Response<NpsScore>, customer_care::metrics::MetricsError> {
    ///     Ok(Response::new(NpsScore::new(score)?).with_segment(store.parse()?))
    /// };
    /// let may = [answer("A", 9)?, answer("A", 3)?, answer("B", 10)?, answer("B", 7)?];
    /// let june = [answer("A", 10)?, answer("A", 9)?, answer("B", 2)?, answer("B", 7)?];
    /// let (may, june) = (Breakdown::by_segment(NpsScale, &may)?, Breakdown::by_segment(NpsScale, &june)?);
    /// let level = ConfidenceLevel::default();
    /// let changes = june.compare_with(&may, Adjustment::Holm, |now, then| now.compare_nps(then, level))?;
    /// let (change, holm_p) = &changes[&"A".parse()?];
    /// assert_eq!(change.difference().value(), 100.0);
    /// assert!(*holm_p >= change.p_value());
    /// # Ok::<(), customer_care::metrics::MetricsError>(())
    /// ```
    pub fn compare_with<F>(
        &self,
        before: &Self,
        adjustment: Adjustment,
        mut compare: F,
    ) -> Result<BTreeMap<K, (Comparison, f64)>, MetricsError>
    where
        F: FnMut(&Tally<S>, &Tally<S>) -> Result<Comparison, MetricsError>,
    {
        let mut compared = Vec::new();
        for (key, now) in &self.groups {
            if let Some(then) = before.groups.get(key) {
                compared.push((key.clone(), compare(now, then)?));
            }
        }
        let p_values: Vec<f64> = compared.iter().map(|(_, c)| c.p_value()).collect();
        let adjusted = adjust_p_values(&p_values, adjustment)?;
        Ok(compared.into_iter().zip(adjusted).map(|((key, c), p)| (key, (c, p))).collect())
    }
}

impl<S: Score> Breakdown<Label, S> {
    /// Groups responses by their segment key.
    ///
    /// # Errors
    ///
    /// As [`Breakdown::by`].
    pub fn by_segment<'a>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
    {
        Self::by(scale, responses, |r| r.segment().cloned())
    }

    /// Groups responses by channel.
    ///
    /// # Errors
    ///
    /// As [`Breakdown::by`].
    pub fn by_channel<'a>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
    {
        Self::by(scale, responses, |r| r.channel().cloned())
    }

    /// Groups responses by agent or team.
    ///
    /// # Errors
    ///
    /// As [`Breakdown::by`].
    pub fn by_agent<'a>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
    {
        Self::by(scale, responses, |r| r.agent().cloned())
    }
}

impl<S: Score> Breakdown<Period, S> {
    /// Groups responses by the calendar period of their response time in `zone`; responses without a time are
    /// unassigned.
    ///
    /// # Errors
    ///
    /// As [`Breakdown::by`].
    pub fn by_period<'a>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
        bucket: TimeBucket,
        zone: Tz,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
    {
        Self::by(scale, responses, |r| r.responded_at().map(|at| Period::containing(at, bucket, zone)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_step() {
        for text in ["2026-12-31", "2026-W53", "2027-W01", "2026-02", "2026-Q1"] {
            let p: Period = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(serde_json::from_str::<Period>(&serde_json::to_string(&p).unwrap()).unwrap(), p);
        }
        for bad in ["2026-13", "2026-Q5", "2026-W54", "2026-6", "x", "2026-02-30"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        let q: Period = "2026-Q4".parse().unwrap();
        assert_eq!(q.next().unwrap().to_string(), "2027-Q1");
        assert_eq!(q.previous().unwrap().to_string(), "2026-Q3");
        // ISO week 2026-W53 starts Monday 28 December 2026 and ends before 4 January 2027.
        let w: Period = "2026-W53".parse().unwrap();
        assert_eq!(w.start(), NaiveDate::from_ymd_opt(2026, 12, 28).unwrap());
        assert_eq!(w.next().unwrap().to_string(), "2027-W01");
    }
}

#[cfg(test)]
mod edge_tests {
    use super::*;
    use crate::metrics::{CsatScale, CsatScore};

    #[test]
    fn deserialized_breakdowns_share_one_scale() {
        let r = Response::new(CsatScore::new(CsatScale::FIVE_POINT, 4).unwrap()).with_segment("a".parse().unwrap());
        let b = Breakdown::by_segment(CsatScale::FIVE_POINT, [&r]).unwrap();
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Breakdown<Label, CsatScore>>(&json).unwrap(), b);
        let other = serde_json::to_string(&CsatScale::BINARY).unwrap();
        let five = serde_json::to_string(&CsatScale::FIVE_POINT).unwrap();
        let mixed = json.replacen(&five, &other, 1).replace("[0,0,0,1,0]", "[0,0]");
        assert!(serde_json::from_str::<Breakdown<Label, CsatScore>>(&mixed).is_err(), "{mixed}");
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for at in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for zone in [chrono_tz::America::New_York, chrono_tz::Asia::Tokyo, chrono_tz::UTC] {
                for bucket in [TimeBucket::Day, TimeBucket::IsoWeek, TimeBucket::Month, TimeBucket::Quarter] {
                    let p = Period::containing(at, bucket, zone);
                    let _ = (p.next(), p.previous(), p.end());
                    // A week cut at the first representable date has no ISO name to parse back.
                    if bucket != TimeBucket::IsoWeek || p.start().weekday() == chrono::Weekday::Mon {
                        assert_eq!(p.to_string().parse::<Period>(), Ok(p), "{p}");
                    }
                }
            }
        }
    }
}
