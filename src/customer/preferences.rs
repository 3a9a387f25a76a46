//! Contact preferences: language, channel, time zone, quiet hours, interests.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::change::Change;
use super::consent::Channel;
use super::error::CustomerError;
use crate::text::excerpt;

/// A language tag (BCP 47 shape): a 2–3 letter primary language, then optional subtags of 1–8 letters or digits
/// separated by `-`. Normalised case: language lower, script title (`Hant`), region upper (`VN`).
///
/// ```
/// use customer_care::customer::Language;
///
/// assert_eq!("VI-vn".parse::<Language>()?.as_str(), "vi-VN");
/// assert_eq!("zh-hant-tw".parse::<Language>()?.as_str(), "zh-Hant-TW");
/// assert_eq!("vi-VN".parse::<Language>()?.primary(), "vi");
/// assert!("vietnamese".parse::<Language>().is_err());
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(Box<str>);

impl Language {
    /// Validates and normalises a tag.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidLanguage`] naming the tag.
    pub fn new(tag: &str) -> Result<Self, CustomerError> {
        let invalid = || CustomerError::InvalidLanguage { tag: excerpt(tag) };
        let mut out = String::with_capacity(tag.len());
        for (i, sub) in tag.split('-').enumerate() {
            let ok = if i == 0 {
                (2..=3).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphabetic())
            } else {
                (1..=8).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric())
            };
            if !ok || i >= 8 {
                return Err(invalid());
            }
            if i > 0 {
                out.push('-');
            }
            let lower = sub.to_ascii_lowercase();
            match (i, sub.len()) {
                (0, _) => out.push_str(&lower),
                (_, 2) if sub.bytes().all(|b| b.is_ascii_alphabetic()) => out.push_str(&sub.to_ascii_uppercase()),
                (_, 4) if sub.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    out.push_str(&lower[..1].to_ascii_uppercase());
                    out.push_str(&lower[1..]);
                }
                _ => out.push_str(&lower),
            }
        }
        Ok(Self(out.into()))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`vi` of `vi-VN`): what template fallback matches on.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Language {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Language {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<Language> for String {
    fn from(l: Language) -> Self {
        l.0.into()
    }
}

/// A daily span of local time when the customer must not be contacted, such as 21:00–08:00.
///
/// Half-open `[start, end)`; when `end` is earlier than `start` the span wraps past midnight. A span covering the
/// whole day is rejected: a customer who never wants messages should revoke consent instead.
///
/// The span follows the wall clock in the customer's zone. When the clocks go back, both occurrences of a quiet
/// time are quiet, and a message deferred from the second 01:15 waits for the second 01:30; when they jump
/// forward past the span's end (or back out of the span), it ends at the change.
///
/// ```
/// use customer_care::customer::QuietHours;
/// use chrono::NaiveTime;
///
/// let t = |s: &str| s.parse::<NaiveTime>();
/// let night = QuietHours::new(t("21:00")?, t("08:00")?)?;
/// assert!(night.contains(t("23:30")?) && night.contains(t("07:59")?));
/// assert!(!night.contains(t("08:00")?) && !night.contains(t("20:59")?));
/// assert_eq!(night.to_string(), "21:00-08:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
}

impl QuietHours {
    /// Quiet from `start` until `end`, local time.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidQuietHours`] when `start == end` (the whole day or nothing).
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, CustomerError> {
        if start == end {
            return Err(CustomerError::InvalidQuietHours { start, end });
        }
        Ok(Self { start, end })
    }

    /// Start of the quiet span.
    pub const fn start(&self) -> NaiveTime {
        self.start
    }

    /// End of the quiet span (exclusive).
    pub const fn end(&self) -> NaiveTime {
        self.end
    }

    /// Whether `time` falls in the quiet span.
    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

impl FromStr for QuietHours {
    type Err = CustomerError;

    /// Parses `HH:MM-HH:MM`.
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        let syntax = || CustomerError::InvalidQuietHoursSyntax { input: excerpt(s) };
        let (a, b) = s.split_once('-').ok_or_else(syntax)?;
        let time = |p: &str| {
            if p.len() != 5 {
                return None;
            }
            NaiveTime::parse_from_str(p, "%H:%M").ok()
        };
        Self::new(time(a).ok_or_else(syntax)?, time(b).ok_or_else(syntax)?)
    }
}

impl TryFrom<String> for QuietHours {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        value.parse()
    }
}

impl From<QuietHours> for String {
    fn from(q: QuietHours) -> Self {
        q.to_string()
    }
}

/// The longest accepted [`Tag`], in characters.
pub const TAG_MAX_CHARS: usize = 40;

/// An interest or segment tag ("coffee", "vegan", "vip"): trimmed, lower-cased, 1 to [`TAG_MAX_CHARS`] characters,
/// no control characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(Box<str>);

impl Tag {
    /// Validates and lower-cases a tag.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidTag`] naming the tag.
    pub fn new(value: &str) -> Result<Self, CustomerError> {
        let tag = value.trim().to_lowercase();
        let chars = tag.chars().count();
        if (1..=TAG_MAX_CHARS).contains(&chars) && !tag.chars().any(char::is_control) {
            Ok(Self(tag.into()))
        } else {
            Err(CustomerError::InvalidTag { tag: excerpt(value), max: TAG_MAX_CHARS })
        }
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Tag {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Tag {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> Self {
        t.0.into()
    }
}

/// The most interests a customer may have.
pub const MAX_INTERESTS: usize = 64;

/// How a customer likes to be contacted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    language: Option<Language>,
    preferred_channel: Option<Channel>,
    time_zone: Option<Tz>,
    quiet_hours: Option<QuietHours>,
    interests: BTreeSet<Tag>,
}

impl Preferences {
    /// Preferred language.
    pub const fn language(&self) -> Option<&Language> {
        self.language.as_ref()
    }

    /// Preferred channel.
    pub const fn preferred_channel(&self) -> Option<Channel> {
        self.preferred_channel
    }

    /// The customer's time zone (for quiet hours and local dates).
    pub const fn time_zone(&self) -> Option<Tz> {
        self.time_zone
    }

    /// Quiet hours, in the customer's time zone.
    pub const fn quiet_hours(&self) -> Option<QuietHours> {
        self.quiet_hours
    }

    /// Interests and tags.
    pub const fn interests(&self) -> &BTreeSet<Tag> {
        &self.interests
    }

    pub(crate) fn apply(&mut self, patch: &PreferencesPatch) {
        if let Some(c) = &patch.language {
            self.language = c.clone().into_option();
        }
        if let Some(c) = &patch.preferred_channel {
            self.preferred_channel = c.clone().into_option();
        }
        if let Some(c) = &patch.time_zone {
            self.time_zone = c.clone().into_option();
        }
        if let Some(c) = &patch.quiet_hours {
            self.quiet_hours = c.clone().into_option();
        }
        if let Some(tags) = &patch.interests {
            self.interests.clone_from(tags);
        }
    }
}

/// A change to [`Preferences`]: only the fields that are `Some` change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesPatch {
    /// Set or clear the language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Change<Language>>,
    /// Set or clear the preferred channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<Change<Channel>>,
    /// Set or clear the time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Change<Tz>>,
    /// Set or clear quiet hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<Change<QuietHours>>,
    /// Replace the interests (at most [`MAX_INTERESTS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interests: Option<BTreeSet<Tag>>,
}

impl PreferencesPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.language.is_none()
            && self.preferred_channel.is_none()
            && self.time_zone.is_none()
            && self.quiet_hours.is_none()
            && self.interests.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for (input, expected) in [("vi", "vi"), ("EN-us", "en-US"), ("sr-latn-RS", "sr-Latn-RS"), ("es-419", "es-419")]
        {
            assert_eq!(Language::new(input).unwrap().as_str(), expected);
        }
        for bad in ["", "v", "vietnam", "vi_VN", "vi-", "vi--VN", "vi-toolongsub", "1a"] {
            assert!(Language::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quiet_hours() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let day = QuietHours::new(t(12), t(14)).unwrap();
        assert!(day.contains(t(12)) && !day.contains(t(14)) && !day.contains(t(11)));
        assert!(QuietHours::new(t(8), t(8)).is_err());
        assert_eq!("21:30-07:00".parse::<QuietHours>().unwrap().to_string(), "21:30-07:00");
        for bad in ["", "21:00", "21-08", "21:00-8:00", "25:00-08:00", "08:00-08:00"] {
            assert!(bad.parse::<QuietHours>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(Tag::new("  Cà Phê ").unwrap().as_str(), "cà phê");
        assert!(Tag::new(" ").is_err());
        assert!(Tag::new(&"x".repeat(41)).is_err());
    }
}
