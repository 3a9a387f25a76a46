//! Service KPIs from ticket event logs: response and resolution times, handle time, first contact resolution, SLA
//! status in business hours, aggregates, churn and retention, and a poor-experience signal.
//!
//! The host records an ordered event log per ticket ([`TicketEvent`]); [`Ticket::new`] validates it (events out of
//! order, events before creation, negative durations are typed errors naming the ticket and the event index;
//! nothing is silently dropped). [`Ticket::metrics`] computes the per-ticket figures in calendar and business time
//! with a [`BusinessCalendar`](crate::calendar::BusinessCalendar), and the SLA status of each metric when a
//! [`SlaPolicy`] is configured. [`ServiceReport`] aggregates them by agent, team, channel, priority or time bucket.
//!
//! # Definitions (defaults, each named and configurable)
//!
//! - **First reply time** runs from the first inbound customer message ([`FrtStart::FirstCustomerMessage`]) to the
//!   first *public* reply by a *human* agent. Bot, automation and system messages and internal notes never stop
//!   the clock. It is measured once, in the first cycle that had a reply: a solve before any human reply ends the
//!   cycle without one (a bot's solve, say), and a reopen starts the next cycle, whose clock starts at the reopen
//!   when the customer's last message is still unanswered (or, with [`FrtStart::Created`], always), else at the
//!   cycle's first customer message. So a ticket a bot solved, reopened five days later and answered by a person
//!   ten minutes after the reopen has a first reply time of ten minutes, as in Chatwoot. A reopened ticket that
//!   had its first reply keeps it.
//! - **Next reply times**: from the oldest unanswered customer message to the next public human reply, each time;
//!   a solve ends a wait without a reply time, and a reopen with the customer's last message unanswered starts a
//!   wait at the reopen. The SLA's first- and next-reply clocks run on the same waits.
//! - **Resolution**: first resolution from creation to the first solve; full resolution from creation to the last
//!   solve, only when the ticket is solved (or closed) at the end of its log.
//! - **First contact resolution** ([`FcrDefinition`]): by default exactly one public human reply and no customer
//!   follow-up after it, solved and never reopened. Solves without any public human reply are reported apart
//!   (`zero_reply_solves`), never as first contact resolutions.
//! - **Average handle time** = (talk + hold + after-call work) summed over handled contacts / handled contacts: a
//!   ratio of sums, never a mean of means.
//! - **Service level** uses a named [`ServiceLevelMethod`], one of the four formulas ICMI describes; the default
//!   leaves contacts abandoned within the threshold out of the denominator, so short abandons count neither for
//!   nor against (Cisco calls it "abandoned calls ignored").
//!
//! ```
//! use chrono::{DateTime, TimeDelta, Utc};
//! use customer_care::CustomerId;
//! use customer_care::calendar::BusinessCalendar;
//! use customer_care::service::{
//!     AuthorKind, Channel, MetricsConfig, Priority, Ticket, TicketEvent, TicketEventKind, TicketId, Visibility,
//! };
//!
//! let midnight: DateTime<Utc> = "2026-03-02T00:00:00Z".parse()?;
//! let at = |h, m| midnight + TimeDelta::hours(h) + TimeDelta::minutes(m);
//! let requester = CustomerId::from_u128(7)?;
//! let ticket = Ticket::new(TicketId::new("T-1")?, vec![
//!     TicketEvent::new(at(9, 0), TicketEventKind::Created { channel: Channel::Email, requester, priority: Priority::Normal }),
//!     TicketEvent::new(at(9, 0), TicketEventKind::CustomerMessage),
//!     TicketEvent::new(at(9, 1), TicketEventKind::AgentMessage { author: AuthorKind::Bot, visibility: Visibility::Public, agent: None }),
//!     TicketEvent::new(at(9, 30), TicketEventKind::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, agent: None }),
//! ])?;
//! let metrics = ticket.metrics(&MetricsConfig::default(), &BusinessCalendar::always_open(), at(10, 0))?;
//! assert_eq!(metrics.first_reply.map(|e| e.calendar_ms), Some(30 * 60_000)); // the bot did not stop the clock
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarError;
use crate::id::excerpt;
use crate::money::MoneyError;

pub mod churn;
pub mod experience;
mod metrics;
mod report;
mod sla;
mod ticket;

pub use metrics::{Elapsed, FrtStart, HandleTime, MetricsConfig, TicketMetrics};
pub use report::{
    DurationSummary, ElapsedSummary, FcrDefinition, FcrOutcome, FcrSummary, GroupBy, GroupKey, GroupReport,
    PercentilePoint, ReportConfig, ServiceLevelConfig, ServiceLevelMethod, ServiceReport, SlaAchievement, SyncSummary,
};
pub use sla::{SlaClock, SlaMeasure, SlaMetric, SlaPolicy, SlaRule, SlaStatus};
pub use ticket::{
    AuthorKind, CallSegment, Channel, Priority, Status, Ticket, TicketEvent, TicketEventKind, Visibility,
};

/// Why a ticket event log, a service policy or a service metric input was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceError {
    /// A ticket, agent or team name was empty, too long, padded or held control characters.
    #[error("{kind} must be 1 to 64 printable characters without surrounding whitespace: {input:?}")]
    InvalidName {
        /// Which name ("ticket id", "agent id", "team id").
        kind: String,
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// A ticket log has no events.
    #[error("ticket {ticket} has no events")]
    EmptyLog {
        /// The ticket.
        ticket: TicketId,
    },
    /// An event precedes the ticket's creation (the log must start with `created`).
    #[error("ticket {ticket}: event {index} ({event}) comes before the ticket was created")]
    BeforeCreation {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The event's type.
        event: String,
    },
    /// A second `created` event.
    #[error("ticket {ticket}: event {index} creates the ticket a second time")]
    DuplicateCreation {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
    },
    /// An event is earlier than the one before it.
    #[error("ticket {ticket}: event {index} at {at} is earlier than the previous event at {previous_at}")]
    OutOfOrder {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The event's time.
        at: DateTime<Utc>,
        /// The previous event's time.
        previous_at: DateTime<Utc>,
    },
    /// A call segment has a negative duration.
    #[error("ticket {ticket}: event {index} has a negative duration of {duration_ms} ms")]
    NegativeDuration {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The rejected duration.
        duration_ms: i64,
    },
    /// An event other than a survey answer follows the ticket's closing.
    #[error("ticket {ticket}: event {index} ({event}) follows the ticket's closing")]
    AfterClosed {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The event's type.
        event: String,
    },
    /// A reopen of a ticket that is not solved.
    #[error("ticket {ticket}: event {index} reopens a ticket that is {status}, not solved")]
    ReopenUnsolved {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The status at that point.
        status: Status,
    },
    /// An event that cannot happen at its point of the log (a second answer of a contact that already left the
    /// queue).
    #[error("ticket {ticket}: event {index} ({event}) is unexpected: {reason}")]
    UnexpectedEvent {
        /// The ticket.
        ticket: TicketId,
        /// Position of the event in the log.
        index: usize,
        /// The event's type.
        event: String,
        /// Why.
        reason: String,
    },
    /// A survey answer or score is out of its scale.
    #[error("{what} score {score} is outside {min}..={max}")]
    ScoreOutOfRange {
        /// The scale ("csat", "nps").
        what: String,
        /// The rejected score.
        score: u8,
        /// The lowest valid score.
        min: u8,
        /// The highest valid score.
        max: u8,
    },
    /// Metrics were asked for as of an instant before the ticket's last event.
    #[error("ticket {ticket}: as of {as_of} is before the last event at {last_event_at}")]
    AsOfBeforeLastEvent {
        /// The ticket.
        ticket: TicketId,
        /// The requested instant.
        as_of: DateTime<Utc>,
        /// The last event's time.
        last_event_at: DateTime<Utc>,
    },
    /// An SLA target is not positive.
    #[error("sla target for {metric} must be positive, got {target_seconds} s")]
    InvalidSlaTarget {
        /// The metric.
        metric: SlaMetric,
        /// The rejected target.
        target_seconds: i64,
    },
    /// Two SLA rules apply to the same metric, priority and channel.
    #[error("two sla rules for {metric} with priority {priority:?} and channel {channel:?}")]
    DuplicateSlaRule {
        /// The metric.
        metric: SlaMetric,
        /// The rule's priority, if any.
        priority: Option<Priority>,
        /// The rule's channel, if any.
        channel: Option<Channel>,
    },
    /// Churn counts that cannot describe a period.
    #[error("inconsistent customer counts: start {start}, acquired {acquired}, end {end}")]
    InconsistentCounts {
        /// Customers at the start.
        start: u64,
        /// Customers acquired during the period.
        acquired: u64,
        /// Customers at the end.
        end: u64,
    },
    /// A rate is not within `[0, 1]`.
    #[error("rate {rate} is not within [0, 1]")]
    InvalidRate {
        /// The rejected rate, as text.
        rate: String,
    },
    /// A ratio has a zero denominator.
    #[error("{what} is undefined: the denominator is zero")]
    ZeroDenominator {
        /// What was being computed.
        what: String,
    },
    /// A configuration value is out of range.
    #[error("invalid {what}: {value}")]
    InvalidConfig {
        /// The setting.
        what: String,
        /// The rejected value, as text.
        value: String,
    },
    /// A business-time computation failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A money computation failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The longest accepted [`TicketId`], [`AgentId`] or [`TeamId`], in characters.
pub const NAME_MAX_CHARS: usize = 64;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Box<str>);

        impl $name {
            /// Validates a name: 1 to [`NAME_MAX_CHARS`] characters, no control characters, no leading or trailing
            /// whitespace.
            ///
            /// # Errors
            ///
            /// [`ServiceError::InvalidName`] naming the rejected text.
            pub fn new(value: &str) -> Result<Self, ServiceError> {
                let chars = value.chars().count();
                let ok = (1..=NAME_MAX_CHARS).contains(&chars)
                    && !value.chars().any(char::is_control)
                    && value.trim() == value;
                if ok {
                    Ok(Self(value.into()))
                } else {
                    Err(ServiceError::InvalidName { kind: $kind.into(), input: excerpt(value) })
                }
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ServiceError;
            fn try_from(value: String) -> Result<Self, ServiceError> {
                Self::new(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = ServiceError;
            fn from_str(s: &str) -> Result<Self, ServiceError> {
                Self::new(s)
            }
        }
    };
}

name_type!(
    /// The host's ticket or contact reference ("T-1042", a call id).
    TicketId,
    "ticket id"
);
name_type!(
    /// The host's agent reference.
    AgentId,
    "agent id"
);
name_type!(
    /// The host's team or group reference.
    TeamId,
    "team id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        assert_eq!(TicketId::new("T-1").unwrap().as_str(), "T-1");
        assert_eq!(
            AgentId::new(" ana").unwrap_err().to_string(),
            "agent id must be 1 to 64 printable characters without surrounding whitespace: \" ana\""
        );
        assert!(TeamId::new("").is_err());
        assert!(serde_json::from_str::<TicketId>("\"a\\nb\"").is_err());
    }

    #[test]
    fn errors_are_data() {
        let err = ServiceError::OutOfOrder {
            ticket: TicketId::new("T-1").unwrap(),
            index: 3,
            at: DateTime::from_timestamp(0, 0).unwrap(),
            previous_at: DateTime::from_timestamp(60, 0).unwrap(),
        };
        let json = serde_json::to_string(&err).unwrap();
        assert!(json.starts_with("{\"type\":\"out_of_order\""));
        assert_eq!(serde_json::from_str::<ServiceError>(&json).unwrap(), err);
        let wrapped: crate::Error = err.into();
        assert!(wrapped.to_string().starts_with("ticket T-1: event 3 at 1970-01-01 00:00:00 UTC is earlier"));
    }
}
