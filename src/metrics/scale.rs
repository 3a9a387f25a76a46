//! Rating scales and typed scores.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::MetricsError;

/// The largest number of levels a scale may have (NPS: 0 to 10).
pub const MAX_LEVELS: usize = 11;

/// Which end of a scale is the good one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher scores are better (NPS, CSAT, CES 2.0 where 7 = "strongly agree it was easy").
    HigherIsBetter,
    /// Lower scores are better (the legacy 1–5 customer effort score, 1 = "very low effort").
    LowerIsBetter,
}

/// A CSAT scale: answers `1..=points`, with the satisfied ("top box") answers from `satisfied_from` up and the
/// dissatisfied ("bottom box") answers up to `dissatisfied_to`.
///
/// The default is the 1–5 scale with top-2-box 4–5 and bottom-2-box 1–2. [`CsatScale::BINARY`] is the good/bad
/// rating of Zendesk-style help desks (1 = bad, 2 = good); [`CsatScale::THREE_POINT`] is Help Scout's
/// "not good / okay / great" (1, 2, 3).
///
/// ```
/// use customer_care::metrics::CsatScale;
///
/// let seven = CsatScale::new(7, 6, 2)?; // top-2-box 6–7, bottom-2-box 1–2
/// assert_eq!(seven.points(), 7);
/// assert!(CsatScale::new(5, 2, 3).is_err()); // the boxes overlap
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "CsatScaleRepr", into = "CsatScaleRepr")]
pub struct CsatScale {
    points: u8,
    satisfied_from: u8,
    dissatisfied_to: u8,
}

#[derive(Serialize, Deserialize)]
struct CsatScaleRepr {
    points: u8,
    satisfied_from: u8,
    dissatisfied_to: u8,
}

impl CsatScale {
    /// 1–5, satisfied 4–5, dissatisfied 1–2.
    pub const FIVE_POINT: Self = Self { points: 5, satisfied_from: 4, dissatisfied_to: 2 };
    /// Good/bad: 1 = bad, 2 = good.
    pub const BINARY: Self = Self { points: 2, satisfied_from: 2, dissatisfied_to: 1 };
    /// Help Scout's happiness rating: 1 = not good, 2 = okay, 3 = great.
    pub const THREE_POINT: Self = Self { points: 3, satisfied_from: 3, dissatisfied_to: 1 };

    /// Declares a scale `1..=points` (2 to 10 points) with `1 ≤ dissatisfied_to < satisfied_from ≤ points`.
    ///
    /// # Errors
    ///
    /// [`MetricsError::InvalidScale`] naming the three numbers.
    pub fn new(points: u8, satisfied_from: u8, dissatisfied_to: u8) -> Result<Self, MetricsError> {
        let ok = (2..=10).contains(&points)
            && dissatisfied_to >= 1
            && dissatisfied_to < satisfied_from
            && satisfied_from <= points;
        if ok {
            Ok(Self { points, satisfied_from, dissatisfied_to })
        } else {
            Err(MetricsError::InvalidScale { points, satisfied_from, dissatisfied_to })
        }
    }

    /// Number of answers; the scale runs from 1 to this.
    pub const fn points(&self) -> u8 {
        self.points
    }

    /// Lowest satisfied answer.
    pub const fn satisfied_from(&self) -> u8 {
        self.satisfied_from
    }

    /// Highest dissatisfied answer.
    pub const fn dissatisfied_to(&self) -> u8 {
        self.dissatisfied_to
    }
}

impl Default for CsatScale {
    fn default() -> Self {
        Self::FIVE_POINT
    }
}

impl TryFrom<CsatScaleRepr> for CsatScale {
    type Error = MetricsError;
    fn try_from(r: CsatScaleRepr) -> Result<Self, MetricsError> {
        Self::new(r.points, r.satisfied_from, r.dissatisfied_to)
    }
}

impl From<CsatScale> for CsatScaleRepr {
    fn from(s: CsatScale) -> Self {
        Self { points: s.points, satisfied_from: s.satisfied_from, dissatisfied_to: s.dissatisfied_to }
    }
}

/// A customer effort scale. The two in use run in opposite directions, so they are never mixed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CesScale {
    /// Gartner's CES 2.0: "The company made it easy for me to handle my issue", 1 (strongly disagree) to 7
    /// (strongly agree). Higher is easier; "agree" is 5–7, "disagree" 1–3. The default.
    #[default]
    Ces2,
    /// The original CES (Dixon et al. 2010): "How much effort did you personally have to put forth?", 1 (very low)
    /// to 5 (very high). Lower is easier; "easy" is 1–2, "hard" 4–5.
    Legacy,
}

/// The NPS scale: "How likely are you to recommend us?", 0 to 10. Detractors 0–6, passives 7–8, promoters 9–10.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NpsScale;

/// Any scale, as carried by tallies and errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "scale", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scale {
    /// NPS, 0–10.
    Nps,
    /// CSAT on a declared scale.
    Csat(CsatScale),
    /// A customer effort scale.
    Ces(CesScale),
}

impl Scale {
    /// The lowest answer.
    pub const fn lowest(&self) -> u8 {
        match self {
            Self::Nps => 0,
            Self::Csat(_) | Self::Ces(_) => 1,
        }
    }

    /// The highest answer.
    pub const fn highest(&self) -> u8 {
        match self {
            Self::Nps => 10,
            Self::Csat(s) => s.points,
            Self::Ces(CesScale::Ces2) => 7,
            Self::Ces(CesScale::Legacy) => 5,
        }
    }

    /// Number of answers.
    pub const fn levels(&self) -> usize {
        (self.highest() - self.lowest()) as usize + 1
    }

    /// Which end is good.
    pub const fn direction(&self) -> Direction {
        match self {
            Self::Ces(CesScale::Legacy) => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }

    /// The favourable answers ("top box"): promoters, satisfied, agree or low effort.
    pub const fn favourable(&self) -> (u8, u8) {
        match self {
            Self::Nps => (9, 10),
            Self::Csat(s) => (s.satisfied_from, s.points),
            Self::Ces(CesScale::Ces2) => (5, 7),
            Self::Ces(CesScale::Legacy) => (1, 2),
        }
    }

    /// The unfavourable answers ("bottom box"): detractors, dissatisfied, disagree or high effort.
    pub const fn unfavourable(&self) -> (u8, u8) {
        match self {
            Self::Nps => (0, 6),
            Self::Csat(s) => (1, s.dissatisfied_to),
            Self::Ces(CesScale::Ces2) => (1, 3),
            Self::Ces(CesScale::Legacy) => (4, 5),
        }
    }

    /// Whether `value` is an answer on this scale.
    pub const fn contains(&self, value: u8) -> bool {
        value >= self.lowest() && value <= self.highest()
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nps => f.write_str("nps 0-10"),
            Self::Csat(s) => write!(f, "csat 1-{}", s.points),
            Self::Ces(CesScale::Ces2) => f.write_str("ces 2.0 1-7 (higher is easier)"),
            Self::Ces(CesScale::Legacy) => f.write_str("legacy ces 1-5 (lower is easier)"),
        }
    }
}

impl From<NpsScale> for Scale {
    fn from(_: NpsScale) -> Self {
        Self::Nps
    }
}

impl From<CsatScale> for Scale {
    fn from(s: CsatScale) -> Self {
        Self::Csat(s)
    }
}

impl From<CesScale> for Scale {
    fn from(s: CesScale) -> Self {
        Self::Ces(s)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A typed survey answer: NPS, CSAT or CES. Sealed; the kind of score is part of the tally's type, and the
/// exact scale (CSAT points, CES version) is checked whenever two tallies meet.
pub trait Score: sealed::Sealed + Copy + fmt::Debug + PartialEq + Serialize + DeserializeOwned {
    /// The scale type of this kind of score.
    type Scale: Copy + fmt::Debug + PartialEq + Eq + Into<Scale> + Serialize + DeserializeOwned;

    /// The scale this answer was given on.
    fn scale(&self) -> Self::Scale;

    /// The answer.
    fn value(&self) -> u8;
}

fn check(scale: Scale, value: u8) -> Result<u8, MetricsError> {
    if scale.contains(value) { Ok(value) } else { Err(MetricsError::ScoreOutOfScale { value, scale }) }
}

/// An NPS answer, 0 to 10.
///
/// ```
/// use customer_care::metrics::{NpsCategory, NpsScore};
///
/// assert_eq!(NpsScore::new(9)?.category(), NpsCategory::Promoter);
/// assert_eq!(NpsScore::new(11).unwrap_err().to_string(), "score 11 is outside nps 0-10");
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct NpsScore(u8);

/// The Bain/Reichheld grouping of NPS answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsCategory {
    /// 0–6.
    Detractor,
    /// 7–8.
    Passive,
    /// 9–10.
    Promoter,
}

impl NpsScore {
    /// Validates an answer.
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScoreOutOfScale`] above 10.
    pub fn new(value: u8) -> Result<Self, MetricsError> {
        check(Scale::Nps, value).map(Self)
    }

    /// The answer.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Detractor, passive or promoter.
    pub const fn category(self) -> NpsCategory {
        match self.0 {
            0..=6 => NpsCategory::Detractor,
            7 | 8 => NpsCategory::Passive,
            _ => NpsCategory::Promoter,
        }
    }
}

impl sealed::Sealed for NpsScore {}

impl Score for NpsScore {
    type Scale = NpsScale;
    fn scale(&self) -> NpsScale {
        NpsScale
    }
    fn value(&self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for NpsScore {
    type Error = MetricsError;
    fn try_from(value: u8) -> Result<Self, MetricsError> {
        Self::new(value)
    }
}

impl From<NpsScore> for u8 {
    fn from(s: NpsScore) -> Self {
        s.0
    }
}

macro_rules! scaled_score {
    ($(#[$doc:meta])* $name:ident, $scale:ty, $repr:ident, $repr_str:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = $repr_str, into = $repr_str)]
        pub struct $name {
            scale: $scale,
            value: u8,
        }

        #[derive(Serialize, Deserialize)]
        struct $repr {
            scale: $scale,
            value: u8,
        }

        impl $name {
            /// Validates an answer on a scale.
            ///
            /// # Errors
            ///
            /// [`MetricsError::ScoreOutOfScale`] naming the value and the scale.
            pub fn new(scale: $scale, value: u8) -> Result<Self, MetricsError> {
                check(scale.into(), value).map(|value| Self { scale, value })
            }

            /// The answer.
            pub const fn get(self) -> u8 {
                self.value
            }
        }

        impl sealed::Sealed for $name {}

        impl Score for $name {
            type Scale = $scale;
            fn scale(&self) -> $scale {
                self.scale
            }
            fn value(&self) -> u8 {
                self.value
            }
        }

        impl TryFrom<$repr> for $name {
            type Error = MetricsError;
            fn try_from(r: $repr) -> Result<Self, MetricsError> {
                Self::new(r.scale, r.value)
            }
        }

        impl From<$name> for $repr {
            fn from(s: $name) -> Self {
                Self { scale: s.scale, value: s.value }
            }
        }
    };
}

scaled_score!(
    /// A CSAT answer on a declared [`CsatScale`].
    ///
    /// ```
    /// use customer_care::metrics::{CsatScale, CsatScore};
    ///
    /// let happy = CsatScore::new(CsatScale::FIVE_POINT, 5)?;
    /// assert_eq!(happy.get(), 5);
    /// assert!(CsatScore::new(CsatScale::FIVE_POINT, 0).is_err());
    /// assert_eq!(CsatScore::good().get(), 2);
    /// # Ok::<(), customer_care::metrics::MetricsError>(())
    /// ```
    CsatScore,
    CsatScale,
    CsatScoreRepr,
    "CsatScoreRepr"
);

scaled_score!(
    /// A customer effort answer on a [`CesScale`].
    ///
    /// ```
    /// use customer_care::metrics::{CesScale, CesScore};
    ///
    /// assert!(CesScore::new(CesScale::Ces2, 7).is_ok());
    /// assert!(CesScore::new(CesScale::Legacy, 6).is_err());
    /// # Ok::<(), customer_care::metrics::MetricsError>(())
    /// ```
    CesScore,
    CesScale,
    CesScoreRepr,
    "CesScoreRepr"
);

impl CsatScore {
    /// "Good" on the [`CsatScale::BINARY`] scale.
    pub const fn good() -> Self {
        Self { scale: CsatScale::BINARY, value: 2 }
    }

    /// "Bad" on the [`CsatScale::BINARY`] scale.
    pub const fn bad() -> Self {
        Self { scale: CsatScale::BINARY, value: 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_scales_are_validated() {
        assert_eq!(CsatScale::default(), CsatScale::FIVE_POINT);
        assert!(CsatScale::new(1, 1, 1).is_err());
        assert!(CsatScale::new(11, 10, 2).is_err());
        assert!(CsatScale::new(5, 6, 2).is_err());
        assert!(CsatScale::new(5, 3, 0).is_err());
        assert_eq!(
            CsatScale::new(5, 2, 3).unwrap_err().to_string(),
            "invalid csat scale: 5 points, satisfied from 2, dissatisfied to 3 \
             (need 2 to 10 points and 1 <= dissatisfied_to < satisfied_from <= points)"
        );
        let json = serde_json::to_string(&CsatScale::THREE_POINT).unwrap();
        assert_eq!(serde_json::from_str::<CsatScale>(&json).unwrap(), CsatScale::THREE_POINT);
        assert!(serde_json::from_str::<CsatScale>(r#"{"points":5,"satisfied_from":2,"dissatisfied_to":3}"#).is_err());
    }

    #[test]
    fn scales_know_their_ends_and_boxes() {
        let legacy = Scale::Ces(CesScale::Legacy);
        assert_eq!((legacy.lowest(), legacy.highest(), legacy.levels()), (1, 5, 5));
        assert_eq!(legacy.direction(), Direction::LowerIsBetter);
        assert_eq!(legacy.favourable(), (1, 2));
        assert_eq!(Scale::Nps.levels(), MAX_LEVELS);
        assert_eq!(Scale::Nps.unfavourable(), (0, 6));
        assert_eq!(Scale::Csat(CsatScale::BINARY).favourable(), (2, 2));
        assert_eq!(Scale::Ces(CesScale::Ces2).to_string(), "ces 2.0 1-7 (higher is easier)");
        let json = serde_json::to_string(&Scale::Csat(CsatScale::FIVE_POINT)).unwrap();
        assert_eq!(serde_json::from_str::<Scale>(&json).unwrap(), Scale::Csat(CsatScale::FIVE_POINT));
    }

    #[test]
    fn scores_are_validated_on_the_way_in() {
        assert!(serde_json::from_str::<NpsScore>("11").is_err());
        assert_eq!(serde_json::from_str::<NpsScore>("7").unwrap().category(), NpsCategory::Passive);
        assert_eq!(NpsScore::new(6).unwrap().category(), NpsCategory::Detractor);
        let five = serde_json::to_string(&CsatScale::FIVE_POINT).unwrap();
        assert!(serde_json::from_str::<CsatScore>(&format!(r#"{{"scale":{five},"value":6}}"#)).is_err());
        let ok: CsatScore = serde_json::from_str(&format!(r#"{{"scale":{five},"value":5}}"#)).unwrap();
        assert_eq!(ok.get(), 5);
        assert!(serde_json::from_str::<CesScore>(r#"{"scale":"legacy","value":6}"#).is_err());
        assert_eq!(CsatScore::bad().scale(), CsatScale::BINARY);
    }
}
