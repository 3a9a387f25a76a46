//! The host's names for tickets, agents and teams: [`TicketId`], [`AgentId`], [`TeamId`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::ServiceError;
use crate::text::excerpt;

/// The longest accepted [`TicketId`], [`AgentId`] or [`TeamId`], in characters.
pub const NAME_MAX_CHARS: usize = 64;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Box<str>);

        impl $name {
            /// Validates a name: 1 to [`NAME_MAX_CHARS`] characters, no control characters, no leading or trailing
            /// whitespace.
            ///
            /// # Errors
            ///
            /// [`ServiceError::InvalidName`] naming the rejected text.
            pub fn new(value: &str) -> Result<Self, ServiceError> {
                let chars = value.chars().count();
                let ok = (1..=NAME_MAX_CHARS).contains(&chars)
                    && !value.chars().any(char::is_control)
                    && value.trim() == value;
                if ok {
                    Ok(Self(value.into()))
                } else {
                    Err(ServiceError::InvalidName { kind: $kind.into(), input: excerpt(value) })
                }
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ServiceError;
            fn try_from(value: String) -> Result<Self, ServiceError> {
                Self::new(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = ServiceError;
            fn from_str(s: &str) -> Result<Self, ServiceError> {
                Self::new(s)
            }
        }
    };
}

name_type!(
    /// The host's ticket or contact reference ("T-1042", a call id).
    TicketId,
    "ticket id"
);
name_type!(
    /// The host's agent reference.
    AgentId,
    "agent id"
);
name_type!(
    /// The host's team or group reference.
    TeamId,
    "team id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        assert_eq!(TicketId::new("T-1").unwrap().as_str(), "T-1");
        assert_eq!(
            AgentId::new(" ana").unwrap_err().to_string(),
            "agent id must be 1 to 64 printable characters without surrounding whitespace: \" ana\""
        );
        assert!(TeamId::new("").is_err());
        assert!(serde_json::from_str::<TicketId>("\"a\\nb\"").is_err());
    }
}
