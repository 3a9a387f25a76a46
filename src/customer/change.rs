//! [`Change`]: how a patch sets or clears a field.

use serde::{Deserialize, Serialize};

/// A field change in a patch: set a new value, or clear the field. A field left out of the patch (`None`)
/// keeps its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change<T> {
    /// Set the field to this value.
    Set(T),
    /// Clear the field.
    Clear,
}

impl<T> Change<T> {
    /// `Some(value)` for [`Change::Set`], `None` for [`Change::Clear`].
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Set(value) => Some(value),
            Self::Clear => None,
        }
    }
}
