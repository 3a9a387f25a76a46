//! Why stored JSON could not be read.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What was being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stored {
    /// A commit.
    Commit,
    /// A snapshot (an aggregate's state).
    Snapshot,
}

impl fmt::Display for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Commit => "commit",
            Self::Snapshot => "snapshot",
        })
    }
}

/// Stored JSON that could not be read. Nothing is ever half-read: every variant means "no value".
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WireError {
    /// The text is not JSON, or not a JSON object.
    #[error("{aggregate} {what} is not a JSON object: {detail}")]
    NotJson {
        /// The aggregate (`points account`).
        aggregate: String,
        /// Commit or snapshot.
        what: Stored,
        /// The parser's message.
        detail: String,
    },
    /// The `format` field is not a format version (a positive integer).
    #[error("{aggregate} {what} has format {found}, which is not a format version (a positive integer)")]
    InvalidFormat {
        /// The aggregate.
        aggregate: String,
        /// Commit or snapshot.
        what: Stored,
        /// The field as found, as JSON.
        found: String,
    },
    /// Written by a newer build, in a format this one does not know: never guessed at.
    #[error("{aggregate} {what} written in format {found}, newer than format {known}, the newest this build reads")]
    NewerFormat {
        /// The aggregate.
        aggregate: String,
        /// Commit or snapshot.
        what: Stored,
        /// The format it was written in.
        found: u32,
        /// [`FORMAT_VERSION`](crate::stream::FORMAT_VERSION).
        known: u32,
    },
    /// An upcasting step found JSON it does not expect.
    #[error("{aggregate} {what} in format {from} cannot be upcast to format {to}: {detail}")]
    Upcast {
        /// The aggregate.
        aggregate: String,
        /// Commit or snapshot.
        what: Stored,
        /// The step's source format.
        from: u32,
        /// The step's target format.
        to: u32,
        /// What was wrong.
        detail: String,
    },
    /// The JSON, upcast to the current format, does not deserialize (or fails validation).
    #[error("{aggregate} {what} written in format {format} does not decode: {detail}")]
    Decode {
        /// The aggregate.
        aggregate: String,
        /// Commit or snapshot.
        what: Stored,
        /// The format it was written in.
        format: u32,
        /// The deserializer's message.
        detail: String,
    },
}
