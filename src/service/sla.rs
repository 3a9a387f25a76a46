//! SLA policies and per-metric status.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::{FrtStart, NS_PER_MS, ReplyWait, Stamp};
use super::error::ServiceError;
use super::ticket::{AuthorKind, Channel, Priority, Status, Ticket, TicketEventKind, Visibility};
use crate::calendar::BusinessCalendar;

const NS_PER_SEC: i64 = 1_000_000_000;

/// What an SLA target measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlaMetric {
    /// From the first-reply start to the first public human reply. A solve before any reply cancels the cycle's
    /// clock; the cycle a reopen starts runs it again (see [`FrtStart`]).
    FirstReply,
    /// From the oldest unanswered customer message (after the first reply) to the next public human reply.
    NextReply,
    /// Between consecutive public human replies while the ticket is unsolved.
    PeriodicUpdate,
    /// From creation to solve, paused while pending or on hold, cumulative across reopens.
    Resolution,
}

impl SlaMetric {
    /// All metrics, in report order.
    pub const ALL: [Self; 4] = [Self::FirstReply, Self::NextReply, Self::PeriodicUpdate, Self::Resolution];
}

impl fmt::Display for SlaMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FirstReply => "first reply",
            Self::NextReply => "next reply",
            Self::PeriodicUpdate => "periodic update",
            Self::Resolution => "resolution",
        })
    }
}

/// Which clock a target counts on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlaClock {
    /// Open hours of the business calendar.
    #[default]
    Business,
    /// Wall-clock time, around the clock.
    Calendar,
}

/// One target: a metric, its target and clock, for a priority and/or channel (or any).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SlaRuleRepr", into = "SlaRuleRepr")]
pub struct SlaRule {
    metric: SlaMetric,
    target_seconds: i64,
    clock: SlaClock,
    priority: Option<Priority>,
    channel: Option<Channel>,
}

#[derive(Serialize, Deserialize)]
struct SlaRuleRepr {
    metric: SlaMetric,
    target_seconds: i64,
    #[serde(default)]
    clock: SlaClock,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<Channel>,
}

impl TryFrom<SlaRuleRepr> for SlaRule {
    type Error = ServiceError;
    fn try_from(r: SlaRuleRepr) -> Result<Self, ServiceError> {
        let rule = Self::new(r.metric, r.target_seconds, r.clock)?;
        Ok(Self { priority: r.priority, channel: r.channel, ..rule })
    }
}

impl From<SlaRule> for SlaRuleRepr {
    fn from(r: SlaRule) -> Self {
        Self {
            metric: r.metric,
            target_seconds: r.target_seconds,
            clock: r.clock,
            priority: r.priority,
            channel: r.channel,
        }
    }
}

impl SlaRule {
    /// A target of `target_seconds` on `clock` for `metric`, applying to every priority and channel until narrowed
    /// with [`priority`](Self::priority) and [`channel`](Self::channel).
    ///
    /// # Errors
    ///
    /// [`ServiceError::InvalidSlaTarget`] unless the target is positive and below 100 years.
    pub fn new(metric: SlaMetric, target_seconds: i64, clock: SlaClock) -> Result<Self, ServiceError> {
        if !(1..=3_155_760_000).contains(&target_seconds) {
            return Err(ServiceError::InvalidSlaTarget { metric, target_seconds });
        }
        Ok(Self { metric, target_seconds, clock, priority: None, channel: None })
    }

    /// Applies only to tickets of this priority.
    #[must_use]
    pub const fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Applies only to tickets of this channel.
    #[must_use]
    pub const fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// The metric.
    pub const fn metric(&self) -> SlaMetric {
        self.metric
    }

    /// The target in seconds.
    pub const fn target_seconds(&self) -> i64 {
        self.target_seconds
    }

    /// The clock.
    pub const fn clock(&self) -> SlaClock {
        self.clock
    }

    /// How specifically the rule matches a ticket, or `None` when it does not apply.
    fn specificity(&self, priority: Priority, channel: Channel) -> Option<u8> {
        let p = match self.priority {
            Some(q) if q == priority => 2,
            Some(_) => return None,
            None => 0,
        };
        let c = match self.channel {
            Some(q) if q == channel => 1,
            Some(_) => return None,
            None => 0,
        };
        Some(p | c)
    }
}

/// SLA targets per metric, priority and channel. For each metric the most specific matching rule applies
/// (priority and channel, then priority, then channel, then neither). The rule follows the ticket's priority: a
/// priority change re-evaluates the running cycle from its start under the new rule (so an escalation can make a
/// running target due, or already breached); completed cycles keep the status they ended with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SlaRule>", into = "Vec<SlaRule>")]
pub struct SlaPolicy {
    rules: Vec<SlaRule>,
}

impl SlaPolicy {
    /// A policy from its rules.
    ///
    /// # Errors
    ///
    /// [`ServiceError::DuplicateSlaRule`] when two rules share metric, priority and channel.
    pub fn new(rules: impl IntoIterator<Item = SlaRule>) -> Result<Self, ServiceError> {
        let rules: Vec<SlaRule> = rules.into_iter().collect();
        for (i, a) in rules.iter().enumerate() {
            let same = |b: &SlaRule| b.metric == a.metric && b.priority == a.priority && b.channel == a.channel;
            if rules.iter().skip(i.saturating_add(1)).any(same) {
                return Err(ServiceError::DuplicateSlaRule {
                    metric: a.metric,
                    priority: a.priority,
                    channel: a.channel,
                });
            }
        }
        Ok(Self { rules })
    }

    /// The rules.
    pub fn rules(&self) -> &[SlaRule] {
        &self.rules
    }

    /// The rule that applies to `metric` for a ticket of `priority` on `channel`.
    pub fn rule_for(&self, metric: SlaMetric, priority: Priority, channel: Channel) -> Option<&SlaRule> {
        self.rules
            .iter()
            .filter(|r| r.metric == metric)
            .filter_map(|r| r.specificity(priority, channel).map(|s| (s, r)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, r)| r)
    }
}

impl TryFrom<Vec<SlaRule>> for SlaPolicy {
    type Error = ServiceError;
    fn try_from(rules: Vec<SlaRule>) -> Result<Self, ServiceError> {
        Self::new(rules)
    }
}

impl From<SlaPolicy> for Vec<SlaRule> {
    fn from(p: SlaPolicy) -> Self {
        p.rules
    }
}

/// The status of a metric's latest cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlaStatus {
    /// Running; breached if not fulfilled by `deadline`.
    InProgress {
        /// When the target will be breached.
        deadline: DateTime<Utc>,
    },
    /// Paused (pending or on hold) with time left.
    Paused {
        /// Target time left, in milliseconds of the rule's clock.
        remaining_ms: i64,
    },
    /// Fulfilled within target.
    Met {
        /// When it was fulfilled.
        at: DateTime<Utc>,
    },
    /// The target passed before fulfilment.
    Breached {
        /// When the target passed.
        at: DateTime<Utc>,
        /// When the cycle finally ended, if it has.
        stopped_at: Option<DateTime<Utc>>,
    },
    /// Ended without fulfilment or breach (solved without a reply).
    Cancelled {
        /// When it ended.
        at: DateTime<Utc>,
    },
}

/// A metric's SLA status for one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaMeasure {
    /// The metric.
    pub metric: SlaMetric,
    /// The clock of the applied rule.
    pub clock: SlaClock,
    /// The target of the applied rule, in seconds.
    pub target_seconds: i64,
    /// The status of the latest cycle.
    pub status: SlaStatus,
    /// Cycles fulfilled within target.
    pub met: u32,
    /// Cycles breached (including a running one already past its target).
    pub breached: u32,
}

/// One metric's clock through the log.
struct Watch<'a> {
    calendar: &'a BusinessCalendar,
    metric: SlaMetric,
    /// The rule for the ticket's current priority, if any.
    rule: Option<SlaRule>,
    /// The rule that decided the latest status.
    decided_by: Option<SlaRule>,
    target: i64,
    elapsed: i64,
    running: Option<Stamp>,
    /// Completed running intervals of the current cycle, to re-evaluate it when the priority changes; only kept
    /// when the policy has priority-specific rules for the metric.
    intervals: Vec<(Stamp, Stamp)>,
    retargetable: bool,
    breached_at: Option<i64>,
    solved_at: Option<Stamp>,
    status: Option<SlaStatus>,
    met: u32,
    breached: u32,
}

enum Stop {
    Fulfilled,
    Cancelled,
}

impl<'a> Watch<'a> {
    fn new(calendar: &'a BusinessCalendar, metric: SlaMetric, rule: Option<&SlaRule>, retargetable: bool) -> Self {
        let mut w = Self {
            calendar,
            metric,
            rule: None,
            decided_by: None,
            target: i64::MAX,
            elapsed: 0,
            running: None,
            intervals: Vec::new(),
            retargetable,
            breached_at: None,
            solved_at: None,
            status: None,
            met: 0,
            breached: 0,
        };
        w.set_rule(rule);
        w
    }

    /// Applies the rule of a new priority to the current cycle, from its start (completed cycles keep their status).
    fn set_rule(&mut self, rule: Option<&SlaRule>) {
        self.rule = rule.cloned();
        self.target = rule.map_or(i64::MAX, |r| r.target_seconds.saturating_mul(NS_PER_SEC));
        self.elapsed = 0;
        self.breached_at = None;
        let intervals = std::mem::take(&mut self.intervals);
        for (from, to) in &intervals {
            self.add_interval(from, to);
        }
        self.intervals = intervals;
    }

    fn value(&self, s: &Stamp) -> i64 {
        match self.rule.as_ref().map_or(SlaClock::Business, SlaRule::clock) {
            SlaClock::Business => s.business,
            SlaClock::Calendar => s.ns,
        }
    }

    /// The instant at which `remaining` more clock time has run from `from`.
    fn deadline_from(&self, from: &Stamp, remaining: i64) -> i64 {
        match self.rule.as_ref().map_or(SlaClock::Business, SlaRule::clock) {
            SlaClock::Calendar => from.ns.saturating_add(remaining),
            SlaClock::Business => self.calendar.business_deadline(from.ns, remaining).unwrap_or(i64::MAX),
        }
    }

    /// Starts a new cycle.
    fn start(&mut self, now: Stamp) {
        self.elapsed = 0;
        self.breached_at = None;
        self.intervals.clear();
        self.running = Some(now);
    }

    /// Resumes the current cycle.
    fn resume(&mut self, now: Stamp) {
        if self.running.is_none() {
            self.running = Some(now);
        }
    }

    fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Adds clock time from `from` to `to`, noting the breach instant when the target passes.
    fn add_interval(&mut self, from: &Stamp, to: &Stamp) {
        let add = self.value(to).saturating_sub(self.value(from)).max(0);
        if self.breached_at.is_none() && self.elapsed.saturating_add(add) > self.target {
            let remaining = self.target.saturating_sub(self.elapsed);
            self.breached_at = Some(self.deadline_from(from, remaining));
        }
        self.elapsed = self.elapsed.saturating_add(add);
    }

    /// Ends the running interval at `now`.
    fn pause(&mut self, now: Stamp) {
        if let Some(from) = self.running.take() {
            self.add_interval(&from, &now);
            if self.retargetable {
                self.intervals.push((from, now));
            }
        }
    }

    fn stop(&mut self, now: Stamp, how: Stop) {
        self.pause(now);
        if self.rule.is_some() {
            self.decided_by.clone_from(&self.rule);
            self.status = Some(if let Some(at) = self.breached_at {
                self.breached = self.breached.saturating_add(1);
                SlaStatus::Breached { at: DateTime::from_timestamp_nanos(at), stopped_at: Some(now.at) }
            } else if matches!(how, Stop::Fulfilled) {
                self.met = self.met.saturating_add(1);
                SlaStatus::Met { at: now.at }
            } else {
                SlaStatus::Cancelled { at: now.at }
            });
        }
        self.elapsed = 0;
        self.breached_at = None;
        self.intervals.clear();
    }

    /// The measure as of `now`, and the deadline the host should wake for.
    fn finish(mut self, now: Stamp, cycle_open: bool) -> (Option<SlaMeasure>, Option<DateTime<Utc>>) {
        let mut deadline = None;
        if self.rule.is_some() {
            if cycle_open {
                let running = self.running;
                if let Some(from) = running {
                    self.add_interval(&from, &now);
                }
                self.decided_by.clone_from(&self.rule);
                self.status = Some(if let Some(at) = self.breached_at {
                    self.breached = self.breached.saturating_add(1);
                    SlaStatus::Breached { at: DateTime::from_timestamp_nanos(at), stopped_at: None }
                } else {
                    let remaining = self.target.saturating_sub(self.elapsed);
                    if running.is_some() {
                        let at = DateTime::from_timestamp_nanos(self.deadline_from(&now, remaining));
                        deadline = Some(at);
                        SlaStatus::InProgress { deadline: at }
                    } else {
                        SlaStatus::Paused { remaining_ms: remaining / NS_PER_MS }
                    }
                });
            } else if let Some(solved) = self.solved_at {
                self.decided_by.clone_from(&self.rule);
                self.status = Some(if let Some(at) = self.breached_at {
                    self.breached = self.breached.saturating_add(1);
                    SlaStatus::Breached { at: DateTime::from_timestamp_nanos(at), stopped_at: Some(solved.at) }
                } else {
                    self.met = self.met.saturating_add(1);
                    SlaStatus::Met { at: solved.at }
                });
            }
        }
        let measure = match (self.status, &self.decided_by) {
            (Some(status), Some(rule)) => Some(SlaMeasure {
                metric: self.metric,
                clock: rule.clock,
                target_seconds: rule.target_seconds,
                status,
                met: self.met,
                breached: self.breached,
            }),
            _ => None,
        };
        (measure, deadline)
    }
}

/// Evaluates every metric `policy` has a rule for on the ticket's channel. The rule follows the ticket's priority:
/// a priority change re-evaluates the running cycle from its start under the new rule; completed cycles keep their
/// status.
pub(crate) fn evaluate(
    ticket: &Ticket,
    frt_start: FrtStart,
    policy: &SlaPolicy,
    calendar: &BusinessCalendar,
    as_of: DateTime<Utc>,
) -> (Vec<SlaMeasure>, Option<DateTime<Utc>>) {
    let channel = ticket.channel();
    let mut priority = ticket
        .events()
        .first()
        .and_then(|e| match e.kind {
            TicketEventKind::Created { priority, .. } => Some(priority),
            _ => None,
        })
        .unwrap_or(Priority::Normal);
    let applies =
        |metric: SlaMetric| policy.rules().iter().any(|r| r.metric == metric && r.channel.is_none_or(|c| c == channel));
    let by_priority = |metric: SlaMetric| policy.rules().iter().any(|r| r.metric == metric && r.priority.is_some());
    let watch = |metric, priority| {
        applies(metric)
            .then(|| Watch::new(calendar, metric, policy.rule_for(metric, priority, channel), by_priority(metric)))
    };
    let mut first = watch(SlaMetric::FirstReply, priority);
    let mut next = watch(SlaMetric::NextReply, priority);
    let mut periodic = watch(SlaMetric::PeriodicUpdate, priority);
    let mut resolution = watch(SlaMetric::Resolution, priority);

    let created = Stamp::new(ticket.created_at(), calendar);
    let from_created = frt_start == FrtStart::Created;
    let mut wait = ReplyWait::new(from_created.then_some(created));
    let mut replied = false;
    let mut status = Status::Open;
    if let Some(w) = resolution.as_mut() {
        w.start(created);
    }
    if from_created && let Some(w) = first.as_mut() {
        w.start(created);
    }
    for event in ticket.events() {
        match &event.kind {
            TicketEventKind::CustomerMessage => {
                let started = wait.customer_message(Stamp::new(event.at, calendar));
                start_reply_clock(started, replied, &mut first, &mut next);
            }
            TicketEventKind::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, .. } => {
                let now = Stamp::new(event.at, calendar);
                wait.reply();
                if !replied {
                    replied = true;
                    if let Some(w) = first.as_mut()
                        && w.is_running()
                    {
                        w.stop(now, Stop::Fulfilled);
                    }
                } else if let Some(w) = next.as_mut()
                    && w.is_running()
                {
                    w.stop(now, Stop::Fulfilled);
                }
                if let Some(w) = periodic.as_mut() {
                    if w.is_running() {
                        w.stop(now, Stop::Fulfilled);
                    }
                    if !status.is_solved() {
                        w.start(now);
                    }
                }
            }
            TicketEventKind::PriorityChanged { priority: p } if *p != priority => {
                priority = *p;
                for w in [&mut first, &mut next, &mut periodic, &mut resolution].into_iter().flatten() {
                    w.set_rule(policy.rule_for(w.metric, priority, channel));
                }
            }
            TicketEventKind::StatusChanged { status: s } if *s != status => {
                let now = Stamp::new(event.at, calendar);
                let was_solved = status.is_solved();
                transition(&mut status, *s, now, [&mut first, &mut next, &mut periodic], &mut resolution);
                if status.is_solved() && !was_solved {
                    wait.solve();
                }
                if was_solved && !status.is_solved() {
                    let started = wait.reopen(now, from_created && !replied);
                    start_reply_clock(started, replied, &mut first, &mut next);
                }
            }
            TicketEventKind::Reopened => {
                let now = Stamp::new(event.at, calendar);
                transition(&mut status, Status::Open, now, [&mut first, &mut next, &mut periodic], &mut resolution);
                let started = wait.reopen(now, from_created && !replied);
                start_reply_clock(started, replied, &mut first, &mut next);
            }
            _ => {}
        }
    }
    let now = Stamp::new(as_of, calendar);
    let mut measures = Vec::with_capacity(4);
    let mut deadline: Option<DateTime<Utc>> = None;
    let resolution_open = !status.is_solved();
    for (w, open) in [(first, None), (next, None), (periodic, None), (resolution, Some(resolution_open))] {
        let Some(w) = w else { continue };
        let open = open.unwrap_or_else(|| w.is_running());
        let (measure, d) = w.finish(now, open);
        measures.extend(measure);
        deadline = match (deadline, d) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    (measures, deadline)
}

/// Starts the reply clock of a customer wait that just started: the first-reply clock until the first public human
/// reply (so it runs in the cycle that gets that reply), the next-reply clock after it.
fn start_reply_clock<'a>(
    started: Option<Stamp>,
    replied: bool,
    first: &mut Option<Watch<'a>>,
    next: &mut Option<Watch<'a>>,
) {
    let clock = if replied { next } else { first };
    if let (Some(at), Some(w)) = (started, clock.as_mut()) {
        w.start(at);
    }
}

/// Applies a status change to the clocks: a solve cancels running reply clocks and stops resolution; pending and
/// on hold pause resolution; open (including a reopen) resumes it, cumulatively.
fn transition(
    status: &mut Status,
    next: Status,
    now: Stamp,
    replies: [&mut Option<Watch<'_>>; 3],
    resolution: &mut Option<Watch<'_>>,
) {
    if next.is_solved() {
        if !status.is_solved() {
            for w in replies.into_iter().flatten() {
                if w.is_running() {
                    w.stop(now, Stop::Cancelled);
                }
            }
            if let Some(w) = resolution.as_mut() {
                w.pause(now);
                w.solved_at = Some(now);
            }
        }
    } else if let Some(w) = resolution.as_mut() {
        w.solved_at = None;
        match next {
            Status::Pending | Status::OnHold => w.pause(now),
            _ => w.resume(now),
        }
    }
    *status = next;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rule_applies() {
        let policy = SlaPolicy::new([
            SlaRule::new(SlaMetric::FirstReply, 100, SlaClock::Business).unwrap(),
            SlaRule::new(SlaMetric::FirstReply, 200, SlaClock::Business).unwrap().channel(Channel::Phone),
            SlaRule::new(SlaMetric::FirstReply, 300, SlaClock::Business).unwrap().priority(Priority::Urgent),
            SlaRule::new(SlaMetric::FirstReply, 400, SlaClock::Business)
                .unwrap()
                .priority(Priority::Urgent)
                .channel(Channel::Phone),
        ])
        .unwrap();
        let target = |p, c| policy.rule_for(SlaMetric::FirstReply, p, c).map(SlaRule::target_seconds);
        assert_eq!(target(Priority::Low, Channel::Email), Some(100));
        assert_eq!(target(Priority::Low, Channel::Phone), Some(200));
        assert_eq!(target(Priority::Urgent, Channel::Email), Some(300));
        assert_eq!(target(Priority::Urgent, Channel::Phone), Some(400));
        assert_eq!(policy.rule_for(SlaMetric::Resolution, Priority::Low, Channel::Email), None);
    }

    #[test]
    fn rules_are_validated_on_the_way_in() {
        assert_eq!(
            SlaRule::new(SlaMetric::NextReply, -5, SlaClock::Calendar).unwrap_err().to_string(),
            "sla target for next reply must be positive, got -5 s"
        );
        let json = r#"[{"metric":"first_reply","target_seconds":0}]"#;
        assert!(serde_json::from_str::<SlaPolicy>(json).is_err());
        let json = r#"[{"metric":"first_reply","target_seconds":60,"priority":"high"}]"#;
        let policy: SlaPolicy = serde_json::from_str(json).unwrap();
        assert_eq!(policy.rules()[0].clock(), SlaClock::Business);
    }
}
