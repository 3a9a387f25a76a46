//! Survey responses: a score with its weight, channel, agent, segment and time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::MetricsError;
use super::scale::Score;
use crate::stats::show;
use crate::text::excerpt;

/// Fixed-point units per unit of weight: weights are kept to 9 decimal places.
pub const WEIGHT_SCALE: u64 = 1_000_000_000;

/// The largest accepted weight.
pub const WEIGHT_MAX: f64 = 1_000_000.0;

/// [`WEIGHT_MAX`] in units of 1e-9.
pub(crate) const WEIGHT_MAX_NANOS: u64 = 1_000_000 * WEIGHT_SCALE;

/// A survey weight (post-stratification, non-response or design weight): finite, not negative, at most
/// [`WEIGHT_MAX`], kept in fixed point to 1e-9 so sums are exact integers and tallies merge in any order with the
/// same result.
///
/// Serialized as a number, validated when deserialized.
///
/// ```
/// use customer_care::metrics::Weight;
///
/// let w = Weight::new(1.25)?;
/// assert_eq!(w.get(), 1.25);
/// assert_eq!(w.nanos(), 1_250_000_000);
/// assert!(Weight::new(-1.0).is_err());
/// assert!(Weight::new(f64::NAN).is_err());
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Weight(u64);

impl Weight {
    /// Weight 1: an ordinary, unweighted response.
    pub const ONE: Self = Self(WEIGHT_SCALE);

    /// Validates a weight and rounds it to the nearest 1e-9.
    ///
    /// # Errors
    ///
    /// [`MetricsError::InvalidWeight`] for NaN, infinities, negative weights and weights above [`WEIGHT_MAX`].
    pub fn new(weight: f64) -> Result<Self, MetricsError> {
        if weight.is_finite() && (0.0..=WEIGHT_MAX).contains(&weight) {
            // In range, so the product is below 1e15 and the conversion exact.
            Ok(Self((weight * WEIGHT_SCALE as f64).round() as u64))
        } else {
            Err(MetricsError::InvalidWeight { weight: show(weight) })
        }
    }

    /// A weight in units of 1e-9.
    ///
    /// # Errors
    ///
    /// [`MetricsError::InvalidWeight`] above [`WEIGHT_MAX`].
    pub fn from_nanos(nanos: u64) -> Result<Self, MetricsError> {
        if nanos <= WEIGHT_MAX_NANOS {
            Ok(Self(nanos))
        } else {
            Err(MetricsError::InvalidWeight { weight: show(nanos as f64 / WEIGHT_SCALE as f64) })
        }
    }

    /// The weight.
    pub fn get(self) -> f64 {
        self.0 as f64 / WEIGHT_SCALE as f64
    }

    /// The weight in units of 1e-9.
    pub const fn nanos(self) -> u64 {
        self.0
    }
}

impl Default for Weight {
    fn default() -> Self {
        Self::ONE
    }
}

impl TryFrom<f64> for Weight {
    type Error = MetricsError;
    fn try_from(weight: f64) -> Result<Self, MetricsError> {
        Self::new(weight)
    }
}

impl From<Weight> for f64 {
    fn from(w: Weight) -> Self {
        w.get()
    }
}

/// The longest accepted [`Label`], in characters.
pub const LABEL_MAX_CHARS: usize = 64;

/// A short label naming a channel ("email", "chat"), an agent or team, or a segment ("HCM-Q1", "vip"): 1 to
/// [`LABEL_MAX_CHARS`] characters, no control characters, no surrounding whitespace. Ordered, so breakdowns are
/// deterministic.
///
/// ```
/// use customer_care::metrics::Label;
///
/// let store: Label = "HCM-Q1".parse()?;
/// assert_eq!(store.as_str(), "HCM-Q1");
/// assert!(Label::new(" padded").is_err());
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(Box<str>);

impl Label {
    /// Validates a label.
    ///
    /// # Errors
    ///
    /// [`MetricsError::InvalidLabel`] naming the rejected text.
    pub fn new(value: &str) -> Result<Self, MetricsError> {
        let chars = value.chars().count();
        if (1..=LABEL_MAX_CHARS).contains(&chars) && !value.chars().any(char::is_control) && value.trim() == value {
            Ok(Self(value.into()))
        } else {
            Err(MetricsError::InvalidLabel { input: excerpt(value), max: LABEL_MAX_CHARS })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Label {
    type Err = MetricsError;
    fn from_str(s: &str) -> Result<Self, MetricsError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Label {
    type Error = MetricsError;
    fn try_from(value: String) -> Result<Self, MetricsError> {
        Self::new(&value)
    }
}

impl From<Label> for String {
    fn from(l: Label) -> Self {
        l.0.into()
    }
}

/// One survey response: a typed score, a weight (1 unless set), and optional channel, agent or team, segment key
/// and response time. Built by value:
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer_care::metrics::{Label, NpsScore, Response, Weight};
///
/// let r = Response::new(NpsScore::new(9)?)
///     .with_weight(Weight::new(0.8)?)
///     .with_channel("email".parse()?)
///     .with_segment("HCM-Q1".parse()?)
///     .with_responded_at(Utc.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).single().ok_or("no such instant")?);
/// assert_eq!(r.segment().map(Label::as_str), Some("HCM-Q1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Score"))]
pub struct Response<S> {
    score: S,
    #[serde(default)]
    weight: Weight,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agent: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    segment: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    responded_at: Option<DateTime<Utc>>,
}

impl<S: Score> Response<S> {
    /// A response with weight 1 and nothing else attached.
    pub const fn new(score: S) -> Self {
        Self { score, weight: Weight::ONE, channel: None, agent: None, segment: None, responded_at: None }
    }

    /// Sets the weight.
    #[must_use]
    pub const fn with_weight(mut self, weight: Weight) -> Self {
        self.weight = weight;
        self
    }

    /// Sets the channel.
    #[must_use]
    pub fn with_channel(mut self, channel: Label) -> Self {
        self.channel = Some(channel);
        self
    }

    /// Sets the agent or team.
    #[must_use]
    pub fn with_agent(mut self, agent: Label) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Sets the segment key (store, region, plan, ...).
    #[must_use]
    pub fn with_segment(mut self, segment: Label) -> Self {
        self.segment = Some(segment);
        self
    }

    /// Sets when the customer answered.
    #[must_use]
    pub const fn with_responded_at(mut self, at: DateTime<Utc>) -> Self {
        self.responded_at = Some(at);
        self
    }

    /// The score.
    pub const fn score(&self) -> S {
        self.score
    }

    /// The weight.
    pub const fn weight(&self) -> Weight {
        self.weight
    }

    /// The channel.
    pub const fn channel(&self) -> Option<&Label> {
        self.channel.as_ref()
    }

    /// The agent or team.
    pub const fn agent(&self) -> Option<&Label> {
        self.agent.as_ref()
    }

    /// The segment key.
    pub const fn segment(&self) -> Option<&Label> {
        self.segment.as_ref()
    }

    /// When the customer answered.
    pub const fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.responded_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::NpsScore;

    #[test]
    fn weights_are_fixed_point() {
        assert_eq!(Weight::new(0.1).unwrap().nanos(), 100_000_000);
        assert_eq!(Weight::new(1e-10).unwrap().nanos(), 0);
        assert_eq!(Weight::new(WEIGHT_MAX).unwrap().nanos(), WEIGHT_MAX_NANOS);
        assert!(Weight::new(WEIGHT_MAX * 1.01).is_err());
        assert!(Weight::from_nanos(WEIGHT_MAX_NANOS + 1).is_err());
        assert_eq!(Weight::default(), Weight::ONE);
        assert!(serde_json::from_str::<Weight>("-1.0").is_err());
        assert_eq!(serde_json::from_str::<Weight>("0.5").unwrap(), Weight::new(0.5).unwrap());
        assert_eq!(Weight::new(f64::NAN).unwrap_err(), MetricsError::InvalidWeight { weight: "NaN".into() });
    }

    #[test]
    fn labels_and_responses() {
        assert!(Label::new("").is_err());
        assert!(Label::new(&"x".repeat(65)).is_err());
        assert!(Label::new("a\tb").is_err());
        let r = Response::new(NpsScore::new(8).unwrap()).with_agent("team-a".parse().unwrap());
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, r#"{"score":8,"weight":1.0,"agent":"team-a"}"#);
        assert_eq!(serde_json::from_str::<Response<NpsScore>>(&json).unwrap(), r);
        let minimal: Response<NpsScore> = serde_json::from_str(r#"{"score":10}"#).unwrap();
        assert_eq!(minimal.weight(), Weight::ONE);
        assert!(serde_json::from_str::<Response<NpsScore>>(r#"{"score":10,"weight":-2}"#).is_err());
        assert!(serde_json::from_str::<Response<NpsScore>>(r#"{"score":10,"segment":" x"}"#).is_err());
    }
}
