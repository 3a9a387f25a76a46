//! Why a display name was rejected.

use serde::{Deserialize, Serialize};

/// Why a [`DisplayName`](super::DisplayName) was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LocaleError {
    /// A blank, over-long or control-character text.
    #[error(
        "display name {text:?} has {chars} characters: it must have 1 to {max}, not be blank and hold no control characters"
    )]
    InvalidDisplayName {
        /// The text (at most 80 characters of it).
        text: String,
        /// Its length in characters.
        chars: usize,
        /// The longest accepted.
        max: usize,
    },
    /// A language that is not a primary language subtag (2 or 3 ASCII letters, optionally followed by `-` and
    /// more subtags, which are ignored).
    #[error("invalid language {language:?} for a display name: expected a tag such as vi, en or vi-VN")]
    InvalidLanguage {
        /// The tag (at most 80 characters of it).
        language: String,
    },
}
