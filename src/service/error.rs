//! Why a ticket event log, a service policy or a service metric input was rejected: [`ServiceError`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::name::TicketId;
use super::sla::SlaMetric;
use super::ticket::{Channel, Priority, Status};
use crate::calendar::CalendarError;
use crate::money::MoneyError;

/// Why a ticket event log, a service policy or a service metric input was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

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
