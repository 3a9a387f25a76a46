//! Per-ticket metrics in calendar and business time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::{Elapsed, FrtStart, ReplyWait, Stamp};
use super::error::ServiceError;
use super::name::{AgentId, TeamId, TicketId};
use super::sla::{self, SlaMeasure, SlaPolicy};
use super::ticket::{AuthorKind, CallSegment, Channel, Priority, Status, Ticket, TicketEventKind, Visibility};
use crate::calendar::BusinessCalendar;
use crate::id::CustomerId;

/// What [`Ticket::metrics`] measures: where the first reply time starts and, optionally, an SLA policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsConfig {
    frt_start: FrtStart,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sla: Option<SlaPolicy>,
}

impl MetricsConfig {
    /// The defaults: first reply from the first customer message, no SLA policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets where the first reply time starts.
    #[must_use]
    pub const fn frt_start(mut self, start: FrtStart) -> Self {
        self.frt_start = start;
        self
    }

    /// Evaluates `policy` for every ticket.
    #[must_use]
    pub fn sla_policy(mut self, policy: SlaPolicy) -> Self {
        self.sla = Some(policy);
        self
    }

    /// Where the first reply time starts.
    pub const fn first_reply_start(&self) -> FrtStart {
        self.frt_start
    }

    /// The SLA policy, if any.
    pub const fn policy(&self) -> Option<&SlaPolicy> {
        self.sla.as_ref()
    }
}

/// Handling time of a contact from its call segments, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandleTime {
    /// Talking or chatting.
    pub talk_ms: i64,
    /// Customer on hold.
    pub hold_ms: i64,
    /// Wrap-up after the contact.
    pub after_call_work_ms: i64,
}

impl HandleTime {
    /// Talk + hold + after-call work.
    pub const fn total_ms(&self) -> i64 {
        self.talk_ms.saturating_add(self.hold_ms).saturating_add(self.after_call_work_ms)
    }
}

/// Everything measured on one ticket, as of an instant. A computed record: fields are public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMetrics {
    /// The ticket.
    pub ticket: TicketId,
    /// Its channel.
    pub channel: Channel,
    /// Its requester.
    pub requester: CustomerId,
    /// Its priority at the end of the log.
    pub priority: Priority,
    /// The assignee at the end of the log, else the last human who replied publicly.
    pub agent: Option<AgentId>,
    /// The team at the end of the log.
    pub team: Option<TeamId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Status at the end of the log.
    pub status: Status,
    /// First reply time (see [`FrtStart`]): measured once, in the first cycle that had a public human reply, from
    /// that cycle's start (its first customer message, or the reopen that started it when the customer's message
    /// was still unanswered) to the reply.
    pub first_reply: Option<Elapsed>,
    /// When the first public human reply was sent.
    pub first_reply_at: Option<DateTime<Utc>>,
    /// Each later wait from the oldest unanswered customer message (or the reopen that found it unanswered) to the
    /// next public human reply.
    pub next_replies: Vec<Elapsed>,
    /// From creation to the first solve.
    pub first_resolution: Option<Elapsed>,
    /// From creation to the last solve, when solved or closed at the end of the log.
    pub full_resolution: Option<Elapsed>,
    /// How many times it was reopened.
    pub reopens: u32,
    /// Public replies by humans.
    pub agent_replies: u32,
    /// Public messages by bots, automations and the system (never replies).
    pub automated_messages: u32,
    /// Inbound customer messages.
    pub customer_messages: u32,
    /// Whether the customer wrote again after the first public human reply.
    pub customer_follow_up: bool,
    /// Time spent pending (waiting for the customer), up to the as-of instant.
    pub pending: Elapsed,
    /// Time spent on hold (waiting for a third party), up to the as-of instant.
    pub on_hold: Elapsed,
    /// Handle time from the call segments.
    pub handle: HandleTime,
    /// Queue wait until answered (synchronous contacts), wall-clock milliseconds.
    pub answer_wait_ms: Option<i64>,
    /// Queue wait until the customer gave up, wall-clock milliseconds.
    pub abandon_wait_ms: Option<i64>,
    /// Whether a survey was sent.
    pub survey_sent: bool,
    /// The last survey answer to "was your issue resolved?".
    pub survey_resolved: Option<bool>,
    /// SLA status per metric, when a policy is configured and applies.
    pub sla: Vec<SlaMeasure>,
    /// The earliest future instant at which an SLA target will be breached: when the host should wake.
    pub next_deadline: Option<DateTime<Utc>>,
}

impl TicketMetrics {
    /// Solved or closed at the end of the log.
    pub const fn is_solved(&self) -> bool {
        self.status.is_solved()
    }
}

/// Stamps events on demand, reusing the last one when consecutive events share an instant.
struct Stamper<'a> {
    calendar: &'a BusinessCalendar,
    last: Option<Stamp>,
}

impl Stamper<'_> {
    fn stamp(&mut self, at: DateTime<Utc>) -> Stamp {
        match self.last {
            Some(s) if s.at == at => s,
            _ => {
                let s = Stamp::new(at, self.calendar);
                self.last = Some(s);
                s
            }
        }
    }
}

impl Ticket {
    /// When the host should wake for this ticket: the earliest instant after `now` at which a running SLA target
    /// will be breached, or `None` when no target is running. Shorthand for `metrics(..)?.next_deadline`.
    ///
    /// # Errors
    ///
    /// [`ServiceError::AsOfBeforeLastEvent`] when `now` precedes the last event.
    pub fn next_deadline(
        &self,
        config: &MetricsConfig,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, ServiceError> {
        Ok(self.metrics(config, calendar, now)?.next_deadline)
    }

    /// Computes the ticket's metrics as of `as_of` (statuses still running, such as pending, and SLA clocks are
    /// measured up to it).
    ///
    /// # Errors
    ///
    /// [`ServiceError::AsOfBeforeLastEvent`] when `as_of` precedes the last event.
    pub fn metrics(
        &self,
        config: &MetricsConfig,
        calendar: &BusinessCalendar,
        as_of: DateTime<Utc>,
    ) -> Result<TicketMetrics, ServiceError> {
        let last_event_at = self.last_event_at();
        if as_of < last_event_at {
            return Err(ServiceError::AsOfBeforeLastEvent { ticket: self.id().clone(), as_of, last_event_at });
        }
        let mut stamper = Stamper { calendar, last: None };
        let created = stamper.stamp(self.created_at());
        let mut priority = Priority::Normal;
        let mut status = Status::Open;
        let mut status_since = created;
        let mut agent: Option<AgentId> = None;
        let mut last_replier: Option<AgentId> = None;
        let mut team: Option<TeamId> = None;
        let from_created = config.frt_start == FrtStart::Created;
        let mut wait = ReplyWait::new(from_created.then_some(created));
        let mut first_reply = None;
        let mut first_reply_at = None;
        let mut next_replies = Vec::new();
        let mut first_resolution = None;
        let mut last_solve: Option<Stamp> = None;
        let mut reopens = 0_u32;
        let mut agent_replies = 0_u32;
        let mut automated_messages = 0_u32;
        let mut customer_messages = 0_u32;
        let mut customer_follow_up = false;
        let mut pending = Elapsed::default();
        let mut on_hold = Elapsed::default();
        let mut handle = HandleTime::default();
        let mut answer_wait_ms = None;
        let mut abandon_wait_ms = None;
        let mut survey_sent = false;
        let mut survey_resolved = None;

        let mut set_status = |next: Status, now: Stamp, status: &mut Status, since: &mut Stamp| {
            let spent = now.since(since);
            match *status {
                Status::Pending => pending.add(spent),
                Status::OnHold => on_hold.add(spent),
                _ => {}
            }
            if next.is_solved() && !status.is_solved() {
                last_solve = Some(now);
                if first_resolution.is_none() {
                    first_resolution = Some(now.since(&created));
                }
            }
            if status.is_solved() && !next.is_solved() {
                reopens = reopens.saturating_add(1);
            }
            *status = next;
            *since = now;
        };

        for event in self.events() {
            match &event.kind {
                TicketEventKind::Created { priority: p, .. } => priority = *p,
                TicketEventKind::CustomerMessage => {
                    customer_messages = customer_messages.saturating_add(1);
                    if first_reply_at.is_some() {
                        customer_follow_up = true;
                    }
                    wait.customer_message(stamper.stamp(event.at));
                }
                TicketEventKind::AgentMessage { author, visibility, agent: who } => {
                    if *visibility != Visibility::Public {
                        continue;
                    }
                    if *author != AuthorKind::Human {
                        automated_messages = automated_messages.saturating_add(1);
                        continue;
                    }
                    agent_replies = agent_replies.saturating_add(1);
                    if who.is_some() {
                        last_replier.clone_from(who);
                    }
                    let now = stamper.stamp(event.at);
                    if let Some(since) = wait.reply() {
                        if first_reply.is_none() {
                            first_reply = Some(now.since(&since));
                        } else {
                            next_replies.push(now.since(&since));
                        }
                    }
                    if first_reply_at.is_none() {
                        first_reply_at = Some(event.at);
                    }
                }
                TicketEventKind::Assigned { agent: a, team: t } => {
                    agent.clone_from(a);
                    team.clone_from(t);
                }
                TicketEventKind::PriorityChanged { priority: p } => priority = *p,
                TicketEventKind::StatusChanged { status: next } => {
                    if *next != status {
                        let now = stamper.stamp(event.at);
                        let (solve, reopen) =
                            (next.is_solved() && !status.is_solved(), status.is_solved() && !next.is_solved());
                        set_status(*next, now, &mut status, &mut status_since);
                        if solve {
                            wait.solve();
                        }
                        if reopen {
                            wait.reopen(now, from_created && first_reply.is_none());
                        }
                    }
                }
                TicketEventKind::Reopened => {
                    let now = stamper.stamp(event.at);
                    set_status(Status::Open, now, &mut status, &mut status_since);
                    wait.reopen(now, from_created && first_reply.is_none());
                }
                TicketEventKind::Answered => {
                    answer_wait_ms = Some(event.at.signed_duration_since(created.at).num_milliseconds());
                }
                TicketEventKind::Abandoned => {
                    abandon_wait_ms = Some(event.at.signed_duration_since(created.at).num_milliseconds());
                }
                TicketEventKind::CallSegment { segment, duration_ms } => {
                    let slot = match segment {
                        CallSegment::Talk => &mut handle.talk_ms,
                        CallSegment::Hold => &mut handle.hold_ms,
                        CallSegment::AfterCallWork => &mut handle.after_call_work_ms,
                    };
                    *slot = slot.saturating_add(*duration_ms);
                }
                TicketEventKind::SurveySent => survey_sent = true,
                TicketEventKind::SurveyAnswered { resolved } => {
                    if resolved.is_some() {
                        survey_resolved = *resolved;
                    }
                }
            }
        }
        // Close the running status interval at `as_of`.
        if matches!(status, Status::Pending | Status::OnHold) {
            let spent = stamper.stamp(as_of).since(&status_since);
            if status == Status::Pending { pending.add(spent) } else { on_hold.add(spent) }
        }
        let full_resolution = if status.is_solved() { last_solve.map(|s| s.since(&created)) } else { None };
        let (sla, next_deadline) = match &config.sla {
            Some(policy) => sla::evaluate(self, config.frt_start, policy, calendar, as_of),
            None => (Vec::new(), None),
        };
        Ok(TicketMetrics {
            ticket: self.id().clone(),
            channel: self.channel(),
            requester: self.requester(),
            priority,
            agent: agent.or(last_replier),
            team,
            created_at: created.at,
            status,
            first_reply,
            first_reply_at,
            next_replies,
            first_resolution,
            full_resolution,
            reopens,
            agent_replies,
            automated_messages,
            customer_messages,
            customer_follow_up,
            pending,
            on_hold,
            handle,
            answer_wait_ms,
            abandon_wait_ms,
            survey_sent,
            survey_resolved,
            sla,
            next_deadline,
        })
    }
}
