//! Person names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::CustomerError;
use super::redact::redacted;

/// The longest accepted [`PersonName`], in characters (Unicode scalar values).
pub const NAME_MAX_CHARS: usize = 200;

/// A person's name as they write it: full Unicode, trimmed, inner whitespace runs collapsed to one space.
///
/// Diacritics stay exactly as given ("Nguyễn Thị Minh Khai" is not folded to ASCII, and no Unicode normalization
/// is applied, so what the customer typed is what they see in a greeting). No structure is assumed: Vietnamese
/// names put the family name first, Western names last, so the crate keeps one string and lets the host decide how
/// to address the customer (see the profile's preferred name).
///
/// `Debug` prints `PersonName(<redacted>)`; `Display` prints the name.
///
/// ```
/// use customer_care::customer::PersonName;
///
/// let name = PersonName::new("  Nguyễn   Thị Lan ")?;
/// assert_eq!(name.as_str(), "Nguyễn Thị Lan");
/// assert_eq!(format!("{name:?}"), "PersonName(<redacted>)");
/// assert!(PersonName::new("   ").is_err());
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(Box<str>);

impl PersonName {
    /// Validates and normalises whitespace.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidName`] when the name is empty after trimming, longer than [`NAME_MAX_CHARS`], or
    /// holds a control character. The error names the problem and position, not the name (errors get logged).
    pub fn new(value: &str) -> Result<Self, CustomerError> {
        let mut name = String::with_capacity(value.len());
        for word in value.split_whitespace() {
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(word);
        }
        if name.is_empty() {
            return Err(CustomerError::InvalidName { reason: "empty".into() });
        }
        if let Some((position, c)) = name.chars().enumerate().find(|(_, c)| c.is_control()) {
            return Err(CustomerError::InvalidName {
                reason: format!("control character U+{:04X} at position {position}", u32::from(c)),
            });
        }
        let chars = name.chars().count();
        if chars > NAME_MAX_CHARS {
            return Err(CustomerError::InvalidName {
                reason: format!("{chars} characters, at most {NAME_MAX_CHARS} allowed"),
            });
        }
        Ok(Self(name.into()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "PersonName")
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PersonName {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for PersonName {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<PersonName> for String {
    fn from(name: PersonName) -> Self {
        name.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_is_kept_and_whitespace_normalised() {
        assert_eq!(PersonName::new("Trần\tVăn  Ơn\n").unwrap().as_str(), "Trần Văn Ơn");
        assert_eq!(PersonName::new("José Ángel Ñúñez").unwrap().to_string(), "José Ángel Ñúñez");
        assert_eq!(PersonName::new("李小龍").unwrap().as_str(), "李小龍");
    }

    #[test]
    fn rejections_name_the_problem() {
        assert_eq!(PersonName::new("").unwrap_err().to_string(), "invalid name: empty");
        assert_eq!(
            PersonName::new("Lan\u{7}").unwrap_err().to_string(),
            "invalid name: control character U+0007 at position 3"
        );
        assert_eq!(
            PersonName::new(&"a".repeat(201)).unwrap_err().to_string(),
            "invalid name: 201 characters, at most 200 allowed"
        );
        assert!(PersonName::new(&"ễ".repeat(200)).is_ok());
    }
}
