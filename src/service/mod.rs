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
//!   follow-up after it, solved and never reopened; [`FcrDefinition::NoCustomerFollowUp`] drops the one-reply
//!   condition, and repeat-contact and survey definitions are offered. Solves without any public human reply are
//!   reported apart (`zero_reply_solves`), never as first contact resolutions.
//! - **Average handle time** = (talk + hold + after-call work) summed over handled contacts / handled contacts: a
//!   ratio of sums, never a mean of means.
//! - **Service level** uses a named [`ServiceLevelMethod`], one of the five formulas ICMI describes; the default
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

pub mod churn;
mod clock;
mod error;
pub mod experience;
mod metrics;
mod name;
mod report;
mod sla;
mod ticket;

pub use clock::{Elapsed, FrtStart};
pub use error::ServiceError;
pub use metrics::{HandleTime, MetricsConfig, TicketMetrics};
pub use name::{AgentId, NAME_MAX_CHARS, TeamId, TicketId};
pub use report::{
    DurationSummary, ElapsedSummary, FcrDefinition, FcrOutcome, FcrSummary, GroupBy, GroupKey, GroupReport,
    PercentilePoint, ReportConfig, ServiceLevelConfig, ServiceLevelMethod, ServiceReport, SlaAchievement, SyncSummary,
};
pub use sla::{SlaClock, SlaMeasure, SlaMetric, SlaPolicy, SlaRule, SlaStatus};
pub use ticket::{
    AuthorKind, CallSegment, Channel, Priority, Status, Ticket, TicketEvent, TicketEventKind, Visibility,
};
