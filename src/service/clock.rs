//! Instants on both clocks, wall and business, and the customer's wait for a reply: what the per-ticket metrics
//! and the SLA clocks share.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;

pub(super) const NS_PER_MS: i64 = 1_000_000;

/// Where the first reply time starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FrtStart {
    /// The first inbound customer message of the cycle (tickets an agent opens without one have no first reply
    /// time); after a reopen, the reopen itself when the customer's last message is unanswered.
    #[default]
    FirstCustomerMessage,
    /// The ticket's creation; after a solve without a reply, the reopen that starts the next cycle.
    Created,
}

/// A duration measured two ways, in whole milliseconds: wall-clock time and business time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Elapsed {
    /// Elapsed wall-clock time.
    pub calendar_ms: i64,
    /// Elapsed business time (open hours of the calendar only).
    pub business_ms: i64,
}

impl Elapsed {
    pub(super) fn add(&mut self, other: Self) {
        self.calendar_ms = self.calendar_ms.saturating_add(other.calendar_ms);
        self.business_ms = self.business_ms.saturating_add(other.business_ms);
    }
}

/// Nanoseconds since the epoch, saturating outside chrono's nanosecond range.
pub(crate) fn nanos(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or_else(|| if at.timestamp() < 0 { i64::MIN } else { i64::MAX })
}

/// An instant on both clocks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stamp {
    pub(crate) at: DateTime<Utc>,
    pub(crate) ns: i64,
    pub(crate) business: i64,
}

impl Stamp {
    pub(crate) fn new(at: DateTime<Utc>, calendar: &BusinessCalendar) -> Self {
        let ns = nanos(at);
        Self { at, ns, business: calendar.business_clock(ns) }
    }

    pub(crate) fn since(&self, earlier: &Self) -> Elapsed {
        Elapsed {
            calendar_ms: self.ns.saturating_sub(earlier.ns) / NS_PER_MS,
            business_ms: self.business.saturating_sub(earlier.business) / NS_PER_MS,
        }
    }
}

/// The customer's wait for a public human reply, shared by the reply metrics and the SLA reply clocks.
///
/// A wait starts at a customer message when none is running, and ends at the next public human reply (a reply
/// time) or at a solve (no reply time: the cycle ended without a reply). A reopen starts a new cycle: when the
/// customer's last message is still unanswered, the wait starts again at the reopen (the cycle's start, as in
/// Chatwoot, where a reopen is the last non-human activity the first response is measured from); otherwise the
/// next customer message starts it. Bot, automation and system messages and internal notes do nothing here.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ReplyWait {
    since: Option<Stamp>,
    unanswered: bool,
}

impl ReplyWait {
    /// A wait that starts at `start` (the creation, for [`FrtStart::Created`]), or at the first customer message.
    pub(crate) const fn new(start: Option<Stamp>) -> Self {
        Self { since: start, unanswered: false }
    }

    /// A customer message: starts a wait unless one is running; returns the start of a wait it started.
    pub(crate) fn customer_message(&mut self, now: Stamp) -> Option<Stamp> {
        self.unanswered = true;
        self.start(now)
    }

    /// A public human reply: ends the running wait, returning its start.
    pub(crate) fn reply(&mut self) -> Option<Stamp> {
        self.unanswered = false;
        self.since.take()
    }

    /// A solve: ends the running wait without a reply.
    pub(crate) fn solve(&mut self) {
        self.since = None;
    }

    /// A reopen: starts a wait at `now` when the customer's last message is unanswered or `restart` holds (a first
    /// reply counted from the cycle's start); returns the start of a wait it started.
    pub(crate) fn reopen(&mut self, now: Stamp, restart: bool) -> Option<Stamp> {
        if self.unanswered || restart { self.start(now) } else { None }
    }

    fn start(&mut self, now: Stamp) -> Option<Stamp> {
        if self.since.is_some() {
            return None;
        }
        self.since = Some(now);
        self.since
    }
}
