//! A name customers read: Unicode text with optional texts per language.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::LocaleError;
use crate::text::excerpt;

/// The longest accepted display name (each text), in characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 80;

/// What a customer reads for a tier, a campaign or another label: a default text in any script ("Bạc",
/// "Thành viên") and optional texts per language ("Silver" in `en`).
///
/// Keys such as [`TierName`](crate::loyalty::TierName) stay stable and ASCII for events and configuration; the
/// display name is what messages and receipts print (see the [module docs](super) for the rule). Languages are
/// keyed by their primary subtag, in lower case: a text set for `vi` answers `vi-VN`.
///
/// Each text is 1 to [`DISPLAY_NAME_MAX_CHARS`] characters, not blank, without control characters. Serialized as
/// a plain string when it has no per-language texts, else as `{"text": …, "translations": {"en": …}}`; both forms
/// are read back, validated.
///
/// ```
/// use customer_care::DisplayName;
///
/// let member = DisplayName::new("Thành viên")?.with("en-GB", "Member")?;
/// assert_eq!(member.as_str(), "Thành viên");
/// assert_eq!(member.for_language("en"), "Member");
/// assert_eq!(member.for_language("vi"), "Thành viên");
/// assert_eq!(serde_json::to_string(&DisplayName::new("Vàng")?)?, r#""Vàng""#);
/// assert!(DisplayName::new("  ").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "DisplayNameRepr", into = "DisplayNameRepr")]
pub struct DisplayName {
    text: Box<str>,
    translations: BTreeMap<Box<str>, Box<str>>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum DisplayNameRepr {
    Plain(String),
    Translated {
        text: String,
        #[serde(default)]
        translations: BTreeMap<String, String>,
    },
}

impl TryFrom<DisplayNameRepr> for DisplayName {
    type Error = LocaleError;
    fn try_from(repr: DisplayNameRepr) -> Result<Self, LocaleError> {
        match repr {
            DisplayNameRepr::Plain(text) => Self::new(&text),
            DisplayNameRepr::Translated { text, translations } => {
                translations.iter().try_fold(Self::new(&text)?, |name, (language, text)| name.with(language, text))
            }
        }
    }
}

impl From<DisplayName> for DisplayNameRepr {
    fn from(name: DisplayName) -> Self {
        if name.translations.is_empty() {
            Self::Plain(name.text.into())
        } else {
            Self::Translated {
                text: name.text.into(),
                translations: name.translations.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
            }
        }
    }
}

fn check_text(text: &str) -> Result<Box<str>, LocaleError> {
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > DISPLAY_NAME_MAX_CHARS || text.chars().any(char::is_control) {
        return Err(LocaleError::InvalidDisplayName { text: excerpt(text), chars, max: DISPLAY_NAME_MAX_CHARS });
    }
    Ok(text.into())
}

/// The primary subtag of a language tag, lower case.
fn primary(language: &str) -> Result<Box<str>, LocaleError> {
    let primary = language.split('-').next().unwrap_or(language);
    if (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(primary.to_ascii_lowercase().into())
    } else {
        Err(LocaleError::InvalidLanguage { language: excerpt(language) })
    }
}

impl DisplayName {
    /// A display name with one text for every language.
    ///
    /// # Errors
    ///
    /// [`LocaleError::InvalidDisplayName`] for a blank or over-long text, or one with control characters.
    pub fn new(text: &str) -> Result<Self, LocaleError> {
        Ok(Self { text: check_text(text)?, translations: BTreeMap::new() })
    }

    /// The same name with `text` for readers of `language` (a tag; its primary subtag is kept), replacing an
    /// earlier text for that language.
    ///
    /// # Errors
    ///
    /// [`LocaleError::InvalidLanguage`] for a tag whose primary subtag is not 2 or 3 ASCII letters, and as
    /// [`new`](Self::new) for the text.
    pub fn with(mut self, language: &str, text: &str) -> Result<Self, LocaleError> {
        let language = primary(language)?;
        self.translations.insert(language, check_text(text)?);
        Ok(self)
    }

    /// The default text: what readers of a language without its own text read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text for readers of `language` (a tag, matched by its primary subtag in any case), else the default.
    pub fn for_language(&self, language: &str) -> &str {
        let primary = language.split('-').next().unwrap_or(language).to_ascii_lowercase();
        self.translations.get(primary.as_str()).map_or(&self.text, |t| t)
    }

    /// The per-language texts, by primary subtag.
    pub fn translations(&self) -> impl Iterator<Item = (&str, &str)> {
        self.translations.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl fmt::Display for DisplayName {
    /// The default text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("DisplayName");
        d.field(&self.text);
        if !self.translations.is_empty() {
            d.field(&self.translations);
        }
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_languages_are_validated() {
        assert_eq!(
            DisplayName::new("").unwrap_err().to_string(),
            "display name \"\" has 0 characters: it must have 1 to 80, not be blank and hold no control characters"
        );
        assert!(DisplayName::new("Bạc\n").is_err());
        assert!(DisplayName::new(&"ư".repeat(80)).is_ok());
        assert!(DisplayName::new(&"ư".repeat(81)).is_err());
        let name = DisplayName::new("Bạc").unwrap();
        assert_eq!(
            name.clone().with("vietnamese", "Bạc").unwrap_err(),
            LocaleError::InvalidLanguage { language: "vietnamese".into() }
        );
        assert!(name.clone().with("", "Silver").is_err());
        assert!(name.clone().with("en", " ").is_err());
        let name = name.with("EN-us", "Silver").unwrap().with("en", "Silver tier").unwrap();
        assert_eq!(name.translations().collect::<Vec<_>>(), [("en", "Silver tier")]);
        assert_eq!(name.for_language("En-GB"), "Silver tier");
        assert_eq!(name.for_language(""), "Bạc");
        assert_eq!(name.to_string(), "Bạc");
        assert_eq!(format!("{name:?}"), r#"DisplayName("Bạc", {"en": "Silver tier"})"#);
    }

    #[test]
    fn serde_takes_both_shapes_and_validates() {
        let plain = DisplayName::new("Vàng").unwrap();
        assert_eq!(serde_json::to_string(&plain).unwrap(), r#""Vàng""#);
        let both = plain.clone().with("en", "Gold").unwrap();
        let json = serde_json::to_string(&both).unwrap();
        assert_eq!(json, r#"{"text":"Vàng","translations":{"en":"Gold"}}"#);
        assert_eq!(serde_json::from_str::<DisplayName>(&json).unwrap(), both);
        assert_eq!(serde_json::from_str::<DisplayName>(r#"{"text":"Vàng"}"#).unwrap(), plain);
        assert!(serde_json::from_str::<DisplayName>(r#""""#).is_err());
        assert!(serde_json::from_str::<DisplayName>(r#"{"text":"Vàng","translations":{"english":"Gold"}}"#).is_err());
    }
}
