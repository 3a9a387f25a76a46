//! What the host reports back: sent, failed, opted out, replied. Frequency caps, gaps and deduplication count it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::kind::CareKind;
use crate::customer::Channel;

/// A deterministic identity for one care action: the same customer, kind, anchor and step always give the same
/// key, so planning a window twice yields the same keys and the host can refuse to send one twice (a unique
/// index on it is the simplest guard).
///
/// Written `customer/kind/anchor/step`, for example
/// `67e55044-10b1-426f-9247-bb680e5fe0c8/birthday/2027-02-28/0`: the anchor is a local date for occasions, an
/// order or ticket reference for follow-ups and surveys, an instant (RFC 3339, seconds, `Z`) otherwise.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DedupKey(Box<str>);

impl DedupKey {
    pub(crate) fn new(text: String) -> Self {
        Self(text.into_boxed_str())
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key without its step: every step of one series (a win-back run, the follow-ups of one order) shares
    /// it.
    pub fn series(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(series, _)| series)
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DedupKey({})", self.0)
    }
}

impl From<&str> for DedupKey {
    /// A key as the host stored it.
    fn from(text: &str) -> Self {
        Self(text.into())
    }
}

/// One entry of a customer's care history, recorded by the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CareEvent {
    /// A planned action was delivered. Counts against caps and gaps; the key is never planned again.
    CareSent {
        /// The action's key.
        key: DedupKey,
        /// Its kind.
        kind: CareKind,
        /// The channel it went out on.
        channel: Channel,
        /// When.
        at: DateTime<Utc>,
    },
    /// Delivery failed. The next plan tries the key's other channels.
    CareFailed {
        /// The action's key.
        key: DedupKey,
        /// The channel that failed.
        channel: Channel,
        /// When.
        at: DateTime<Utc>,
    },
    /// The customer opted out on a channel (replied STOP, clicked unsubscribe): no more marketing there, even
    /// before the host records the consent change on the customer.
    OptedOut {
        /// The channel.
        channel: Channel,
        /// When.
        at: DateTime<Utc>,
    },
    /// The customer replied to an action: the rest of its series (later win-back or welcome steps, further
    /// follow-ups of the same order) is not sent.
    Replied {
        /// The action replied to.
        key: DedupKey,
        /// When.
        at: DateTime<Utc>,
    },
}

impl CareEvent {
    /// When it happened.
    pub const fn at(&self) -> DateTime<Utc> {
        match self {
            Self::CareSent { at, .. }
            | Self::CareFailed { at, .. }
            | Self::OptedOut { at, .. }
            | Self::Replied { at, .. } => *at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_series() {
        let key = DedupKey::from("c/win_back/2026-01-01T00:00:00Z/2");
        assert_eq!(key.series(), "c/win_back/2026-01-01T00:00:00Z");
        assert_eq!(format!("{key:?}"), "DedupKey(c/win_back/2026-01-01T00:00:00Z/2)");
        let event = CareEvent::Replied { key, at: DateTime::<Utc>::MIN_UTC };
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.starts_with(r#"{"type":"replied","key":"c/win_back/"#));
        assert_eq!(serde_json::from_str::<CareEvent>(&json).unwrap(), event);
    }
}
