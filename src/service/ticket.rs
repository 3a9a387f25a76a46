//! The ticket event log the host records, and its validation.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::ServiceError;
use super::name::{AgentId, TeamId, TicketId};
use crate::id::CustomerId;

/// Where a contact came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// At a counter or in a store.
    InPerson,
    /// A phone call.
    Phone,
    /// E-mail.
    Email,
    /// Live chat with a human (possibly after a chatbot).
    Chat,
    /// Messaging apps (WhatsApp, Zalo, Messenger).
    Messaging,
    /// Social media posts and mentions.
    Social,
    /// Community forum.
    Forum,
    /// Web form.
    Web,
}

impl Channel {
    /// Whether the customer waits in a queue for an agent (phone, chat, in person): speed of answer, abandonment
    /// and service level apply.
    pub const fn is_synchronous(self) -> bool {
        matches!(self, Self::InPerson | Self::Phone | Self::Chat)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InPerson => "in person",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Chat => "chat",
            Self::Messaging => "messaging",
            Self::Social => "social",
            Self::Forum => "forum",
            Self::Web => "web",
        })
    }
}

/// Ticket priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Priority {
    /// Low.
    Low,
    /// Normal.
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        })
    }
}

/// Ticket status. A ticket starts [`Open`](Self::Open).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Waiting for the agent.
    Open,
    /// Waiting for the customer.
    Pending,
    /// Waiting for a third party.
    OnHold,
    /// Solved; a reopen moves it back.
    Solved,
    /// Closed for good; only survey events may follow.
    Closed,
}

impl Status {
    /// Solved or closed.
    pub const fn is_solved(self) -> bool {
        matches!(self, Self::Solved | Self::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::OnHold => "on hold",
            Self::Solved => "solved",
            Self::Closed => "closed",
        })
    }
}

/// Who wrote an agent-side message. Only [`Human`](Self::Human) public messages count as replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthorKind {
    /// A person.
    Human,
    /// A chatbot or AI agent.
    Bot,
    /// A rule, trigger or macro applied without a person.
    Automation,
    /// The platform (auto-acknowledgements, notifications).
    System,
}

/// Whether the customer can see a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Visibility {
    /// Sent to the customer.
    Public,
    /// An internal note.
    Internal,
}

/// A part of the agent's handling of a synchronous contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallSegment {
    /// Talking (or chatting) with the customer.
    Talk,
    /// The customer on hold.
    Hold,
    /// Wrap-up work after the contact.
    AfterCallWork,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TicketEventKind {
    /// The ticket was created; must be the first event, once.
    Created {
        /// The channel.
        channel: Channel,
        /// The customer who asked.
        requester: CustomerId,
        /// The initial priority.
        priority: Priority,
    },
    /// An inbound message from the customer.
    CustomerMessage,
    /// An agent-side message.
    AgentMessage {
        /// Human, bot, automation or system.
        author: AuthorKind,
        /// Public reply or internal note.
        visibility: Visibility,
        /// The agent, for human messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
    },
    /// The ticket was (re)assigned.
    Assigned {
        /// The agent, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The team, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<TeamId>,
    },
    /// The priority changed.
    PriorityChanged {
        /// The new priority.
        priority: Priority,
    },
    /// The status changed. Leaving [`Status::Solved`] for an unsolved status is a reopen.
    StatusChanged {
        /// The new status.
        status: Status,
    },
    /// A solved ticket was reopened (status back to open).
    Reopened,
    /// A synchronous contact was answered by an agent (the end of its queue wait).
    Answered,
    /// The customer left the queue before an answer.
    Abandoned,
    /// A segment of handling; its duration is recorded by the host.
    CallSegment {
        /// Talk, hold or after-call work.
        segment: CallSegment,
        /// Duration in milliseconds; must not be negative.
        duration_ms: i64,
    },
    /// A satisfaction survey was sent.
    SurveySent,
    /// A survey was answered.
    SurveyAnswered {
        /// The customer's answer to "was your issue resolved?", if asked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolved: Option<bool>,
    },
}

impl TicketEventKind {
    /// The event's type name, as serialized.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Created { .. } => "created",
            Self::CustomerMessage => "customer_message",
            Self::AgentMessage { .. } => "agent_message",
            Self::Assigned { .. } => "assigned",
            Self::PriorityChanged { .. } => "priority_changed",
            Self::StatusChanged { .. } => "status_changed",
            Self::Reopened => "reopened",
            Self::Answered => "answered",
            Self::Abandoned => "abandoned",
            Self::CallSegment { .. } => "call_segment",
            Self::SurveySent => "survey_sent",
            Self::SurveyAnswered { .. } => "survey_answered",
        }
    }
}

/// One entry of a ticket's log: when, and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub kind: TicketEventKind,
}

impl TicketEvent {
    /// An event at `at`.
    pub const fn new(at: DateTime<Utc>, kind: TicketEventKind) -> Self {
        Self { at, kind }
    }
}

/// A validated ticket log: starts with `created`, in time order, nothing after closing but surveys, reopens only
/// of solved tickets, no negative durations, at most one answer or abandonment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TicketRepr", into = "TicketRepr")]
pub struct Ticket {
    id: TicketId,
    events: Vec<TicketEvent>,
    channel: Channel,
    requester: CustomerId,
}

#[derive(Serialize, Deserialize)]
struct TicketRepr {
    id: TicketId,
    events: Vec<TicketEvent>,
}

impl TryFrom<TicketRepr> for Ticket {
    type Error = ServiceError;
    fn try_from(r: TicketRepr) -> Result<Self, ServiceError> {
        Self::new(r.id, r.events)
    }
}

impl From<Ticket> for TicketRepr {
    fn from(t: Ticket) -> Self {
        Self { id: t.id, events: t.events }
    }
}

impl Ticket {
    /// Validates a ticket's log.
    ///
    /// # Errors
    ///
    /// Each names the ticket and the event's index: [`ServiceError::EmptyLog`], [`ServiceError::BeforeCreation`],
    /// [`ServiceError::DuplicateCreation`], [`ServiceError::OutOfOrder`], [`ServiceError::NegativeDuration`],
    /// [`ServiceError::AfterClosed`], [`ServiceError::ReopenUnsolved`], [`ServiceError::UnexpectedEvent`].
    pub fn new(id: TicketId, events: Vec<TicketEvent>) -> Result<Self, ServiceError> {
        let Some(first) = events.first() else {
            return Err(ServiceError::EmptyLog { ticket: id });
        };
        let TicketEventKind::Created { channel, requester, .. } = first.kind else {
            return Err(ServiceError::BeforeCreation { ticket: id, index: 0, event: first.kind.name().into() });
        };
        let mut status = Status::Open;
        let mut previous_at = first.at;
        let mut queue_ended = false;
        for (index, event) in events.iter().enumerate().skip(1) {
            let event_name = || event.kind.name().to_owned();
            if event.at < previous_at {
                return Err(ServiceError::OutOfOrder { ticket: id, index, at: event.at, previous_at });
            }
            previous_at = event.at;
            let survey = matches!(event.kind, TicketEventKind::SurveySent | TicketEventKind::SurveyAnswered { .. });
            if status == Status::Closed && !survey {
                return Err(ServiceError::AfterClosed { ticket: id, index, event: event_name() });
            }
            match &event.kind {
                TicketEventKind::Created { .. } => return Err(ServiceError::DuplicateCreation { ticket: id, index }),
                TicketEventKind::CallSegment { duration_ms, .. } if *duration_ms < 0 => {
                    return Err(ServiceError::NegativeDuration { ticket: id, index, duration_ms: *duration_ms });
                }
                TicketEventKind::Reopened => {
                    if status != Status::Solved {
                        return Err(ServiceError::ReopenUnsolved { ticket: id, index, status });
                    }
                    status = Status::Open;
                }
                TicketEventKind::StatusChanged { status: next } => status = *next,
                TicketEventKind::Answered | TicketEventKind::Abandoned => {
                    if queue_ended {
                        return Err(ServiceError::UnexpectedEvent {
                            ticket: id,
                            index,
                            event: event_name(),
                            reason: "the contact already left the queue".into(),
                        });
                    }
                    queue_ended = true;
                }
                _ => {}
            }
        }
        Ok(Self { id, events, channel, requester })
    }

    /// The ticket's id.
    pub const fn id(&self) -> &TicketId {
        &self.id
    }

    /// The log, in order.
    pub fn events(&self) -> &[TicketEvent] {
        &self.events
    }

    /// The channel it came in on.
    pub const fn channel(&self) -> Channel {
        self.channel
    }

    /// The requester.
    pub const fn requester(&self) -> CustomerId {
        self.requester
    }

    /// When it was created.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.events.first().map_or(DateTime::<Utc>::MIN_UTC, |e| e.at)
    }

    /// When its last event happened.
    pub fn last_event_at(&self) -> DateTime<Utc> {
        self.events.last().map_or(DateTime::<Utc>::MIN_UTC, |e| e.at)
    }
}
