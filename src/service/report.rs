//! Aggregates of ticket metrics by agent, team, channel, priority or time bucket.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::clock::Elapsed;
use super::error::ServiceError;
use super::metrics::TicketMetrics;
use super::name::{AgentId, TeamId};
use super::sla::SlaMetric;
use super::ticket::{Channel, Priority};
use crate::id::CustomerId;
use crate::stats::percentile::{PercentileMethod, Sample};
use crate::stats::{ConfidenceLevel, Estimate, ProportionMethod, ProportionSample, StatsError, proportion};

/// What makes a contact a first contact resolution. Every definition requires the ticket to have been solved;
/// solves without any public human reply are counted apart as zero-reply solves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FcrDefinition {
    /// Exactly one public human reply, no customer follow-up after it, never reopened. The default.
    #[default]
    OnePublicReply,
    /// Never reopened and no other ticket from the same requester created within `days` days after this one (among
    /// the tickets aggregated: include the following days' tickets).
    NoRepeatContact {
        /// The repeat-contact window in days.
        days: u32,
    },
    /// The customer answered "resolved" in a survey (tickets without an answer are excluded).
    SurveyConfirmed,
    /// No customer follow-up: after the first public human reply the customer never wrote again, and the ticket was
    /// never reopened, however many replies the agents sent (a clarifying second reply does not break it; a
    /// customer's "that did not work" does).
    NoCustomerFollowUp,
}

/// How one ticket counts for first contact resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FcrOutcome {
    /// Resolved at first contact.
    Resolved,
    /// Solved, but not at first contact.
    NotResolved,
    /// Solved with no public human reply (reported apart).
    ZeroReplySolve,
    /// Not counted: never solved, or (survey-confirmed) no survey answer.
    Excluded,
}

/// The service-level formula for synchronous channels (ICMI lists these variants). `T` is the threshold, counts
/// are of contacts that left the queue (answered or abandoned).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceLevelMethod {
    /// Answered within T / (answered + abandoned after T): customers who hang up within the threshold count
    /// neither for nor against. The default.
    #[default]
    ExcludeShortAbandons,
    /// Answered within T / (answered + abandoned).
    AllOffered,
    /// Answered within T / answered (ignores abandonment; flatters the figure).
    AnsweredOnly,
    /// (Answered within T + abandoned within T) / (answered + abandoned).
    ShortAbandonsAsMet,
    /// (Answered within T + abandoned within S) / (answered + abandoned), with a separate short-abandon threshold
    /// `S ≤ T` (often 5 seconds): callers who hang up before anyone could reasonably answer count as met, later
    /// abandons against. The fifth ICMI variant.
    ShortAbandonsUnderAsMet {
        /// The short-abandon threshold `S` in seconds, from 0 to the answer threshold `T`.
        short_abandon_seconds: i64,
    },
}

/// Threshold and formula of the service level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceLevelConfig {
    /// The answer threshold `T` in seconds (the "20" of "80/20").
    pub threshold_seconds: i64,
    /// The formula.
    pub method: ServiceLevelMethod,
}

impl Default for ServiceLevelConfig {
    fn default() -> Self {
        Self { threshold_seconds: 20, method: ServiceLevelMethod::default() }
    }
}

/// The dimension tickets are grouped by. Time buckets use the ticket's creation in the report's zone: the local
/// date with the offset in force at that instant (a ticket created in the repeated hour of a fold belongs to the
/// same day either time; a day shortened by a gap just holds fewer hours).
///
/// A ticket created within a day of chrono's range ends whose local date lies outside the range of dates
/// (before `NaiveDate::MIN` west of UTC, after `NaiveDate::MAX` east of it) counts in that first or last date,
/// and a week that would start before the first date starts on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupBy {
    /// One group.
    #[default]
    All,
    /// The agent.
    Agent,
    /// The team.
    Team,
    /// The channel.
    Channel,
    /// The priority.
    Priority,
    /// The local creation date.
    Day,
    /// The local creation week (starting Monday).
    Week,
    /// The local creation month.
    Month,
}

/// A group's key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupKey {
    /// Everything.
    All,
    /// An agent, or unassigned.
    Agent(Option<AgentId>),
    /// A team, or none.
    Team(Option<TeamId>),
    /// A channel.
    Channel(Channel),
    /// A priority.
    Priority(Priority),
    /// A local date.
    Day(NaiveDate),
    /// The Monday starting a local week.
    Week(NaiveDate),
    /// The first day of a local month.
    Month(NaiveDate),
}

/// How to aggregate: grouping, the zone of time buckets, the percentile method and points, the FCR definition and
/// the service level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ReportConfigRepr", into = "ReportConfigRepr")]
pub struct ReportConfig {
    group_by: GroupBy,
    zone: Tz,
    method: PercentileMethod,
    percentiles: Vec<u16>,
    fcr: FcrDefinition,
    service_level: ServiceLevelConfig,
}

#[derive(Serialize, Deserialize)]
struct ReportConfigRepr {
    group_by: GroupBy,
    #[serde(with = "crate::calendar::zone_name")]
    zone: Tz,
    method: PercentileMethod,
    percentiles: Vec<u16>,
    fcr: FcrDefinition,
    service_level: ServiceLevelConfig,
}

impl TryFrom<ReportConfigRepr> for ReportConfig {
    type Error = ServiceError;
    fn try_from(r: ReportConfigRepr) -> Result<Self, ServiceError> {
        Self::new()
            .group_by(r.group_by)
            .zone(r.zone)
            .method(r.method)
            .fcr(r.fcr)
            .percentiles(r.percentiles)?
            .service_level(r.service_level)
    }
}

impl From<ReportConfig> for ReportConfigRepr {
    fn from(c: ReportConfig) -> Self {
        Self {
            group_by: c.group_by,
            zone: c.zone,
            method: c.method,
            percentiles: c.percentiles,
            fcr: c.fcr,
            service_level: c.service_level,
        }
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            group_by: GroupBy::All,
            zone: Tz::UTC,
            method: PercentileMethod::NearestRank,
            percentiles: vec![500, 900, 950],
            fcr: FcrDefinition::OnePublicReply,
            service_level: ServiceLevelConfig::default(),
        }
    }
}

impl ReportConfig {
    /// One group, UTC, nearest rank, p50/p90/p95, one-public-reply FCR, 20-second service level excluding short
    /// abandons.
    pub fn new() -> Self {
        Self::default()
    }

    /// Groups by `group_by`.
    #[must_use]
    pub const fn group_by(mut self, group_by: GroupBy) -> Self {
        self.group_by = group_by;
        self
    }

    /// Cuts time buckets in `zone`.
    #[must_use]
    pub const fn zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Uses `method` for medians and percentiles.
    #[must_use]
    pub const fn method(mut self, method: PercentileMethod) -> Self {
        self.method = method;
        self
    }

    /// Uses `definition` for first contact resolution.
    #[must_use]
    pub const fn fcr(mut self, definition: FcrDefinition) -> Self {
        self.fcr = definition;
        self
    }

    /// Reports these percentiles, in per mille (`900` is p90).
    ///
    /// # Errors
    ///
    /// [`ServiceError::InvalidConfig`] for a value above 1000.
    pub fn percentiles(mut self, per_mille: Vec<u16>) -> Result<Self, ServiceError> {
        if let Some(bad) = per_mille.iter().find(|p| **p > 1000) {
            return Err(ServiceError::InvalidConfig { what: "percentile (per mille)".into(), value: bad.to_string() });
        }
        self.percentiles = per_mille;
        Ok(self)
    }

    /// Sets the service-level threshold and formula.
    ///
    /// # Errors
    ///
    /// [`ServiceError::InvalidConfig`] for a negative threshold, or a short-abandon threshold that is negative or
    /// above the answer threshold.
    pub fn service_level(mut self, config: ServiceLevelConfig) -> Result<Self, ServiceError> {
        if config.threshold_seconds < 0 {
            return Err(ServiceError::InvalidConfig {
                what: "service level threshold (seconds)".into(),
                value: config.threshold_seconds.to_string(),
            });
        }
        if let ServiceLevelMethod::ShortAbandonsUnderAsMet { short_abandon_seconds: s } = config.method
            && !(0..=config.threshold_seconds).contains(&s)
        {
            return Err(ServiceError::InvalidConfig {
                what: format!("short-abandon threshold (seconds, 0 to {})", config.threshold_seconds),
                value: s.to_string(),
            });
        }
        self.service_level = config;
        Ok(self)
    }

    fn key(&self, m: &TicketMetrics) -> GroupKey {
        let local = || crate::local_day::local_date_or_utc(self.zone, m.created_at);
        match self.group_by {
            GroupBy::All => GroupKey::All,
            GroupBy::Agent => GroupKey::Agent(m.agent.clone()),
            GroupBy::Team => GroupKey::Team(m.team.clone()),
            GroupBy::Channel => GroupKey::Channel(m.channel),
            GroupBy::Priority => GroupKey::Priority(m.priority),
            GroupBy::Day => GroupKey::Day(local()),
            GroupBy::Week => {
                let d = local();
                GroupKey::Week(
                    d.checked_sub_signed(TimeDelta::days(i64::from(d.weekday().num_days_from_monday()))).unwrap_or(d),
                )
            }
            GroupBy::Month => {
                let d = local();
                GroupKey::Month(d.with_day(1).unwrap_or(d))
            }
        }
    }
}

/// A percentile of a duration sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PercentilePoint {
    /// Which percentile, in per mille (`900` is p90).
    pub per_mille: u16,
    /// Its value in milliseconds.
    pub value_ms: f64,
}

/// Count, exact total, mean, median and percentiles of durations in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurationSummary {
    /// Number of durations.
    pub count: u64,
    /// Their exact sum.
    pub total_ms: i128,
    /// `total_ms / count`.
    pub mean_ms: Option<f64>,
    /// The median, by the report's method.
    pub median_ms: Option<f64>,
    /// The configured percentiles, by the report's method.
    pub percentiles: Vec<PercentilePoint>,
    /// The method of the median and percentiles.
    pub method: PercentileMethod,
}

impl DurationSummary {
    #[allow(clippy::cast_precision_loss)]
    fn new(values: Vec<i64>, config: &ReportConfig) -> Self {
        let total_ms: i128 = values.iter().map(|v| i128::from(*v)).sum();
        let count = u64::try_from(values.len()).unwrap_or(u64::MAX);
        let sample = Sample::from_integers(values);
        let at = |p: f64| sample.percentile(p, config.method).ok();
        Self {
            count,
            total_ms,
            mean_ms: (count > 0).then(|| total_ms as f64 / count as f64),
            median_ms: at(0.5),
            percentiles: config
                .percentiles
                .iter()
                .filter_map(|&pm| {
                    at(f64::from(pm) / 1000.0).map(|value_ms| PercentilePoint { per_mille: pm, value_ms })
                })
                .collect(),
            method: config.method,
        }
    }
}

/// A duration metric summarized on both clocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElapsedSummary {
    /// Wall-clock durations.
    pub calendar: DurationSummary,
    /// Business-time durations.
    pub business: DurationSummary,
}

/// First contact resolution counts under a named definition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FcrSummary {
    /// The definition used.
    pub definition: FcrDefinition,
    /// Resolved at first contact.
    pub resolved: u64,
    /// Solved, not at first contact.
    pub not_resolved: u64,
    /// Solved with no public human reply: reported apart, in neither count.
    pub zero_reply_solves: u64,
    /// Not counted (unsolved, or no survey answer).
    pub excluded: u64,
}

impl FcrSummary {
    /// `resolved / (resolved + not_resolved)`.
    #[allow(clippy::cast_precision_loss)]
    pub fn rate(&self) -> Option<f64> {
        let n = self.resolved.saturating_add(self.not_resolved);
        (n > 0).then(|| self.resolved as f64 / n as f64)
    }

    /// The FCR rate with its confidence interval (Wilson by default; see [`ProportionMethod`]).
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] when no ticket was counted.
    pub fn estimate(&self, level: ConfidenceLevel, method: ProportionMethod) -> Result<Estimate, StatsError> {
        let sample = ProportionSample::from_counts(self.resolved, self.resolved.saturating_add(self.not_resolved))?;
        proportion(&sample, level, method)
    }
}

/// SLA achievement of one metric: met / (met + breached), with [`estimate`](Self::estimate) for its interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaAchievement {
    /// The metric.
    pub metric: SlaMetric,
    /// Cycles met.
    pub met: u64,
    /// Cycles breached.
    pub breached: u64,
}

impl SlaAchievement {
    /// `met / (met + breached)`.
    #[allow(clippy::cast_precision_loss)]
    pub fn rate(&self) -> Option<f64> {
        let n = self.met.saturating_add(self.breached);
        (n > 0).then(|| self.met as f64 / n as f64)
    }

    /// Achievement with its confidence interval (Wilson by default; see [`ProportionMethod`]).
    ///
    /// ```
    /// use customer_care::service::SlaAchievement;
    /// use customer_care::service::SlaMetric;
    /// use customer_care::stats::{ConfidenceLevel, ProportionMethod};
    ///
    /// let sla = SlaAchievement { metric: SlaMetric::FirstReply, met: 45, breached: 5 };
    /// let e = sla.estimate(ConfidenceLevel::default(), ProportionMethod::Wilson)?;
    /// assert!((e.interval().lower() - 0.786398).abs() < 1e-6); // Wilson (1927), 45/50
    /// # Ok::<(), customer_care::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::EmptySample`] when no cycle finished.
    pub fn estimate(&self, level: ConfidenceLevel, method: ProportionMethod) -> Result<Estimate, StatsError> {
        let sample = ProportionSample::from_counts(self.met, self.met.saturating_add(self.breached))?;
        proportion(&sample, level, method)
    }
}

/// Queue figures of synchronous contacts (phone, chat, in person).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncSummary {
    /// Synchronous contacts.
    pub offered: u64,
    /// Answered.
    pub answered: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Answered within the threshold.
    pub answered_within_threshold: u64,
    /// Abandoned within the threshold.
    pub abandoned_within_threshold: u64,
    /// Abandoned within the short-abandon threshold of [`ServiceLevelMethod::ShortAbandonsUnderAsMet`] (0 with
    /// the other formulas).
    #[serde(default)]
    pub abandoned_within_short_threshold: u64,
    /// Sum of queue waits of answered contacts, milliseconds.
    pub answer_wait_total_ms: i128,
    /// Average speed of answer: `answer_wait_total_ms / answered`.
    pub average_speed_of_answer_ms: Option<f64>,
    /// `abandoned / (answered + abandoned)`.
    pub abandonment_rate: Option<f64>,
    /// Service level by `method`.
    pub service_level: Option<f64>,
    /// The threshold in seconds.
    pub threshold_seconds: i64,
    /// The service-level formula.
    pub method: ServiceLevelMethod,
}

/// The figures of one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group.
    pub key: GroupKey,
    /// Tickets in the group.
    pub tickets: u64,
    /// Solved or closed at the end of their log.
    pub solved: u64,
    /// First reply times.
    pub first_reply: ElapsedSummary,
    /// Next reply times.
    pub next_reply: ElapsedSummary,
    /// First resolution times.
    pub first_resolution: ElapsedSummary,
    /// Full resolution times.
    pub full_resolution: ElapsedSummary,
    /// Tickets reopened at least once.
    pub reopened: u64,
    /// Public human replies.
    pub agent_replies: u64,
    /// First contact resolution.
    pub fcr: FcrSummary,
    /// Contacts with handle time.
    pub handled: u64,
    /// Their summed handle time (talk + hold + after-call work), milliseconds.
    pub handle_total_ms: i128,
    /// Average handle time: `handle_total_ms / handled` (a ratio of sums).
    pub average_handle_time_ms: Option<f64>,
    /// Queue figures of synchronous contacts.
    pub sync: SyncSummary,
    /// SLA achievement per metric with a rule.
    pub sla: Vec<SlaAchievement>,
}

/// Per-group reports, ordered by key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceReport {
    /// The grouping.
    pub group_by: GroupBy,
    /// The zone of time buckets.
    pub zone: Tz,
    /// The groups, ordered by key.
    pub groups: Vec<GroupReport>,
}

#[derive(Default)]
struct Acc {
    tickets: u64,
    solved: u64,
    first_reply: (Vec<i64>, Vec<i64>),
    next_reply: (Vec<i64>, Vec<i64>),
    first_resolution: (Vec<i64>, Vec<i64>),
    full_resolution: (Vec<i64>, Vec<i64>),
    reopened: u64,
    agent_replies: u64,
    fcr: FcrSummary,
    handled: u64,
    handle_total_ms: i128,
    sync: SyncSummary,
    sla: BTreeMap<SlaMetric, (u64, u64)>,
}

fn push(pair: &mut (Vec<i64>, Vec<i64>), e: Elapsed) {
    pair.0.push(e.calendar_ms);
    pair.1.push(e.business_ms);
}

impl ServiceReport {
    /// Aggregates ticket metrics. The result does not depend on the order of `tickets`: sums are exact integers
    /// and percentiles are taken of sorted samples.
    #[allow(clippy::cast_precision_loss)]
    pub fn new(tickets: &[TicketMetrics], config: &ReportConfig) -> Self {
        // Contacts per requester, for the repeat-contact definition.
        let mut contacts: BTreeMap<CustomerId, Vec<DateTime<Utc>>> = BTreeMap::new();
        if matches!(config.fcr, FcrDefinition::NoRepeatContact { .. }) {
            for m in tickets {
                contacts.entry(m.requester).or_default().push(m.created_at);
            }
            for list in contacts.values_mut() {
                list.sort_unstable();
            }
        }
        let threshold_ms = config.service_level.threshold_seconds.saturating_mul(1000);
        let short_ms = match config.service_level.method {
            ServiceLevelMethod::ShortAbandonsUnderAsMet { short_abandon_seconds } => {
                Some(short_abandon_seconds.saturating_mul(1000))
            }
            _ => None,
        };
        let mut groups: BTreeMap<GroupKey, Acc> = BTreeMap::new();
        for m in tickets {
            let acc = groups.entry(config.key(m)).or_default();
            acc.tickets = acc.tickets.saturating_add(1);
            acc.solved = acc.solved.saturating_add(u64::from(m.is_solved()));
            if let Some(e) = m.first_reply {
                push(&mut acc.first_reply, e);
            }
            for e in &m.next_replies {
                push(&mut acc.next_reply, *e);
            }
            if let Some(e) = m.first_resolution {
                push(&mut acc.first_resolution, e);
            }
            if let Some(e) = m.full_resolution {
                push(&mut acc.full_resolution, e);
            }
            acc.reopened = acc.reopened.saturating_add(u64::from(m.reopens > 0));
            acc.agent_replies = acc.agent_replies.saturating_add(u64::from(m.agent_replies));
            let slot = match fcr_outcome(m, config.fcr, &contacts) {
                FcrOutcome::Resolved => &mut acc.fcr.resolved,
                FcrOutcome::NotResolved => &mut acc.fcr.not_resolved,
                FcrOutcome::ZeroReplySolve => &mut acc.fcr.zero_reply_solves,
                FcrOutcome::Excluded => &mut acc.fcr.excluded,
            };
            *slot = slot.saturating_add(1);
            let handle = m.handle.total_ms();
            if handle > 0 {
                acc.handled = acc.handled.saturating_add(1);
                acc.handle_total_ms = acc.handle_total_ms.saturating_add(i128::from(handle));
            }
            if m.channel.is_synchronous() {
                let s = &mut acc.sync;
                s.offered = s.offered.saturating_add(1);
                if let Some(wait) = m.answer_wait_ms {
                    s.answered = s.answered.saturating_add(1);
                    s.answer_wait_total_ms = s.answer_wait_total_ms.saturating_add(i128::from(wait));
                    s.answered_within_threshold =
                        s.answered_within_threshold.saturating_add(u64::from(wait <= threshold_ms));
                } else if let Some(wait) = m.abandon_wait_ms {
                    s.abandoned = s.abandoned.saturating_add(1);
                    s.abandoned_within_threshold =
                        s.abandoned_within_threshold.saturating_add(u64::from(wait <= threshold_ms));
                    s.abandoned_within_short_threshold = s
                        .abandoned_within_short_threshold
                        .saturating_add(u64::from(short_ms.is_some_and(|short| wait <= short)));
                }
            }
            for measure in &m.sla {
                let e = acc.sla.entry(measure.metric).or_default();
                e.0 = e.0.saturating_add(u64::from(measure.met));
                e.1 = e.1.saturating_add(u64::from(measure.breached));
            }
        }
        let summary = |(cal, bus): (Vec<i64>, Vec<i64>)| ElapsedSummary {
            calendar: DurationSummary::new(cal, config),
            business: DurationSummary::new(bus, config),
        };
        let ratio = |num: f64, den: u64| (den > 0).then(|| num / den as f64);
        let groups = groups
            .into_iter()
            .map(|(key, acc)| {
                let mut fcr = acc.fcr;
                fcr.definition = config.fcr;
                let mut sync = acc.sync;
                let left = sync.answered.saturating_add(sync.abandoned);
                sync.threshold_seconds = config.service_level.threshold_seconds;
                sync.method = config.service_level.method;
                sync.average_speed_of_answer_ms = ratio(sync.answer_wait_total_ms as f64, sync.answered);
                sync.abandonment_rate = ratio(sync.abandoned as f64, left);
                let within = sync.answered_within_threshold as f64;
                sync.service_level = match sync.method {
                    ServiceLevelMethod::ExcludeShortAbandons => {
                        ratio(within, left.saturating_sub(sync.abandoned_within_threshold))
                    }
                    ServiceLevelMethod::AllOffered => ratio(within, left),
                    ServiceLevelMethod::AnsweredOnly => ratio(within, sync.answered),
                    ServiceLevelMethod::ShortAbandonsAsMet => {
                        ratio(within + sync.abandoned_within_threshold as f64, left)
                    }
                    ServiceLevelMethod::ShortAbandonsUnderAsMet { .. } => {
                        ratio(within + sync.abandoned_within_short_threshold as f64, left)
                    }
                };
                GroupReport {
                    key,
                    tickets: acc.tickets,
                    solved: acc.solved,
                    first_reply: summary(acc.first_reply),
                    next_reply: summary(acc.next_reply),
                    first_resolution: summary(acc.first_resolution),
                    full_resolution: summary(acc.full_resolution),
                    reopened: acc.reopened,
                    agent_replies: acc.agent_replies,
                    fcr,
                    handled: acc.handled,
                    handle_total_ms: acc.handle_total_ms,
                    average_handle_time_ms: ratio(acc.handle_total_ms as f64, acc.handled),
                    sync,
                    sla: acc
                        .sla
                        .into_iter()
                        .map(|(metric, (met, breached))| SlaAchievement { metric, met, breached })
                        .collect(),
                }
            })
            .collect();
        Self { group_by: config.group_by, zone: config.zone, groups }
    }

    /// The group with `key`.
    pub fn group(&self, key: &GroupKey) -> Option<&GroupReport> {
        self.groups.iter().find(|g| &g.key == key)
    }
}

/// How `m` counts for first contact resolution under `definition`; `contacts` holds each requester's ticket
/// creation instants, sorted (only needed for [`FcrDefinition::NoRepeatContact`]).
fn fcr_outcome(
    m: &TicketMetrics,
    definition: FcrDefinition,
    contacts: &BTreeMap<CustomerId, Vec<DateTime<Utc>>>,
) -> FcrOutcome {
    if m.first_resolution.is_none() {
        return FcrOutcome::Excluded;
    }
    if m.agent_replies == 0 {
        return FcrOutcome::ZeroReplySolve;
    }
    let resolved = match definition {
        FcrDefinition::OnePublicReply => m.agent_replies == 1 && !m.customer_follow_up && m.reopens == 0,
        FcrDefinition::NoRepeatContact { days } => {
            let until =
                m.created_at.checked_add_signed(TimeDelta::days(i64::from(days))).unwrap_or(DateTime::<Utc>::MAX_UTC);
            let repeat = contacts.get(&m.requester).is_some_and(|list| {
                let after = list.partition_point(|t| *t <= m.created_at);
                list.get(after).is_some_and(|t| *t <= until)
            });
            m.reopens == 0 && !repeat
        }
        FcrDefinition::NoCustomerFollowUp => !m.customer_follow_up && m.reopens == 0,
        FcrDefinition::SurveyConfirmed => match m.survey_resolved {
            Some(r) => r,
            None => return FcrOutcome::Excluded,
        },
    };
    if resolved { FcrOutcome::Resolved } else { FcrOutcome::NotResolved }
}

impl TicketMetrics {
    /// How this ticket counts for first contact resolution under a per-ticket definition
    /// ([`FcrDefinition::NoRepeatContact`] needs the other tickets: use [`ServiceReport`]; here it sees none).
    pub fn fcr(&self, definition: FcrDefinition) -> FcrOutcome {
        fcr_outcome(self, definition, &BTreeMap::new())
    }
}
