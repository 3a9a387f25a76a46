//! The "consecutive poor experiences" signal per customer, for the care planner and the lifecycle.
//!
//! Input is a minimal list of experience events: a CSAT answer (1–5), an NPS answer (0–10), an SLA breach or an
//! SLA met. Poor: CSAT at or below the policy's maximum (default 2), an NPS detractor (0–6), an SLA breach. Good
//! (ends a streak): CSAT 4–5, an NPS promoter (9–10), an SLA met. Everything else is neutral and neither extends
//! nor ends a streak. Only events within the window before `as_of` count.
//!
//! ```
//! use chrono::{DateTime, TimeDelta, Utc};
//! use customer_care::CustomerId;
//! use customer_care::service::experience::{consecutive_poor_experiences, ExperienceEvent, PoorExperiencePolicy};
//!
//! let c = CustomerId::from_u128(1)?;
//! let noon: DateTime<Utc> = "2026-04-30T12:00:00Z".parse()?;
//! let day = |d| noon + TimeDelta::days(d); // day(1) is 1 May
//! let events = [
//!     ExperienceEvent::csat(c, day(1), 5)?,
//!     ExperienceEvent::csat(c, day(2), 1)?,
//!     ExperienceEvent::sla_breached(c, day(3)),
//!     ExperienceEvent::nps(c, day(4), 3)?,
//! ];
//! let streaks = consecutive_poor_experiences(&events, &PoorExperiencePolicy::default(), day(5));
//! assert_eq!(streaks[0].count, 3);
//! assert!(streaks[0].flagged);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::error::ServiceError;
use crate::id::CustomerId;

/// What the customer experienced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExperienceSignal {
    /// A CSAT answer, 1 to 5.
    Csat {
        /// The score.
        score: u8,
    },
    /// An NPS answer, 0 to 10.
    Nps {
        /// The score.
        score: u8,
    },
    /// An SLA target of one of the customer's tickets was breached.
    SlaBreached,
    /// An SLA target was met.
    SlaMet,
}

/// One experience of one customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ExperienceRepr", into = "ExperienceRepr")]
pub struct ExperienceEvent {
    customer: CustomerId,
    at: DateTime<Utc>,
    signal: ExperienceSignal,
}

#[derive(Serialize, Deserialize)]
struct ExperienceRepr {
    customer: CustomerId,
    at: DateTime<Utc>,
    #[serde(flatten)]
    signal: ExperienceSignal,
}

impl TryFrom<ExperienceRepr> for ExperienceEvent {
    type Error = ServiceError;
    fn try_from(r: ExperienceRepr) -> Result<Self, ServiceError> {
        Self::new(r.customer, r.at, r.signal)
    }
}

impl From<ExperienceEvent> for ExperienceRepr {
    fn from(e: ExperienceEvent) -> Self {
        Self { customer: e.customer, at: e.at, signal: e.signal }
    }
}

impl ExperienceEvent {
    /// An experience, its score checked against its scale.
    ///
    /// # Errors
    ///
    /// [`ServiceError::ScoreOutOfRange`] for CSAT outside 1–5 or NPS outside 0–10.
    pub fn new(customer: CustomerId, at: DateTime<Utc>, signal: ExperienceSignal) -> Result<Self, ServiceError> {
        let bad = |what: &str, score, min, max| ServiceError::ScoreOutOfRange { what: what.into(), score, min, max };
        match signal {
            ExperienceSignal::Csat { score } if !(1..=5).contains(&score) => Err(bad("csat", score, 1, 5)),
            ExperienceSignal::Nps { score } if score > 10 => Err(bad("nps", score, 0, 10)),
            _ => Ok(Self { customer, at, signal }),
        }
    }

    /// A CSAT answer.
    ///
    /// # Errors
    ///
    /// [`ServiceError::ScoreOutOfRange`] outside 1–5.
    pub fn csat(customer: CustomerId, at: DateTime<Utc>, score: u8) -> Result<Self, ServiceError> {
        Self::new(customer, at, ExperienceSignal::Csat { score })
    }

    /// An NPS answer.
    ///
    /// # Errors
    ///
    /// [`ServiceError::ScoreOutOfRange`] outside 0–10.
    pub fn nps(customer: CustomerId, at: DateTime<Utc>, score: u8) -> Result<Self, ServiceError> {
        Self::new(customer, at, ExperienceSignal::Nps { score })
    }

    /// An SLA breach.
    pub const fn sla_breached(customer: CustomerId, at: DateTime<Utc>) -> Self {
        Self { customer, at, signal: ExperienceSignal::SlaBreached }
    }

    /// An SLA met.
    pub const fn sla_met(customer: CustomerId, at: DateTime<Utc>) -> Self {
        Self { customer, at, signal: ExperienceSignal::SlaMet }
    }

    /// The customer.
    pub const fn customer(&self) -> CustomerId {
        self.customer
    }

    /// When.
    pub const fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// What.
    pub const fn signal(&self) -> ExperienceSignal {
        self.signal
    }
}

/// When a streak of poor experiences raises the signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PolicyRepr", into = "PolicyRepr")]
pub struct PoorExperiencePolicy {
    threshold: u32,
    window_days: u32,
    csat_poor_max: u8,
}

#[derive(Serialize, Deserialize)]
struct PolicyRepr {
    threshold: u32,
    window_days: u32,
    csat_poor_max: u8,
}

impl TryFrom<PolicyRepr> for PoorExperiencePolicy {
    type Error = ServiceError;
    fn try_from(r: PolicyRepr) -> Result<Self, ServiceError> {
        Self::new(r.threshold, r.window_days, r.csat_poor_max)
    }
}

impl From<PoorExperiencePolicy> for PolicyRepr {
    fn from(p: PoorExperiencePolicy) -> Self {
        Self { threshold: p.threshold, window_days: p.window_days, csat_poor_max: p.csat_poor_max }
    }
}

impl Default for PoorExperiencePolicy {
    /// Three consecutive poor experiences within 90 days; CSAT 1–2 is poor.
    fn default() -> Self {
        Self { threshold: 3, window_days: 90, csat_poor_max: 2 }
    }
}

impl PoorExperiencePolicy {
    /// `threshold` consecutive poor experiences within `window_days` days; CSAT up to `csat_poor_max` is poor.
    ///
    /// # Errors
    ///
    /// [`ServiceError::InvalidConfig`] for a zero threshold or window, or `csat_poor_max` outside 1–3.
    pub fn new(threshold: u32, window_days: u32, csat_poor_max: u8) -> Result<Self, ServiceError> {
        let bad = |what: &str, value: String| Err(ServiceError::InvalidConfig { what: what.into(), value });
        if threshold == 0 {
            return bad("poor experience threshold", threshold.to_string());
        }
        if window_days == 0 || window_days > 3650 {
            return bad("poor experience window (days)", window_days.to_string());
        }
        if !(1..=3).contains(&csat_poor_max) {
            return bad("poor csat maximum", csat_poor_max.to_string());
        }
        Ok(Self { threshold, window_days, csat_poor_max })
    }

    /// The streak length that raises the signal.
    pub const fn threshold(&self) -> u32 {
        self.threshold
    }

    fn classify(&self, signal: ExperienceSignal) -> Option<bool> {
        match signal {
            ExperienceSignal::Csat { score } if score <= self.csat_poor_max => Some(true),
            ExperienceSignal::Csat { score } if score >= 4 => Some(false),
            ExperienceSignal::Nps { score } if score <= 6 => Some(true),
            ExperienceSignal::Nps { score } if score >= 9 => Some(false),
            ExperienceSignal::SlaBreached => Some(true),
            ExperienceSignal::SlaMet => Some(false),
            _ => None,
        }
    }
}

/// A customer's current streak of poor experiences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PoorExperienceStreak {
    /// The customer.
    pub customer: CustomerId,
    /// Consecutive poor experiences, most recent last, within the window.
    pub count: u32,
    /// The streak's first poor experience.
    pub since: DateTime<Utc>,
    /// Its latest.
    pub last_at: DateTime<Utc>,
    /// `count ≥ threshold`.
    pub flagged: bool,
}

/// Current poor-experience streaks as of `as_of` (events after it are ignored), one per customer with a streak,
/// ordered by customer. Independent of input order: simultaneous events are ordered by signal.
pub fn consecutive_poor_experiences(
    events: &[ExperienceEvent],
    policy: &PoorExperiencePolicy,
    as_of: DateTime<Utc>,
) -> Vec<PoorExperienceStreak> {
    let from =
        as_of.checked_sub_signed(TimeDelta::days(i64::from(policy.window_days))).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut by_customer: BTreeMap<CustomerId, Vec<(DateTime<Utc>, ExperienceSignal)>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.at > from && e.at <= as_of) {
        by_customer.entry(e.customer).or_default().push((e.at, e.signal));
    }
    let mut out = Vec::new();
    for (customer, mut list) in by_customer {
        list.sort_unstable();
        let mut streak: Option<PoorExperienceStreak> = None;
        for (at, signal) in list {
            match policy.classify(signal) {
                Some(true) => {
                    let s = streak.get_or_insert(PoorExperienceStreak {
                        customer,
                        count: 0,
                        since: at,
                        last_at: at,
                        flagged: false,
                    });
                    s.count = s.count.saturating_add(1);
                    s.last_at = at;
                }
                Some(false) => streak = None,
                None => {}
            }
        }
        if let Some(mut s) = streak {
            s.flagged = s.count >= policy.threshold;
            out.push(s);
        }
    }
    out
}
