//! The upcaster: one aggregate's steps from each format to the next.

use serde_json::Value;

use super::error::WireError;

/// How one aggregate reads its commits and snapshots of older formats: a step from each format to the next, run
/// on load by [`decode_commit`](super::decode::decode_commit) and [`decode_snapshot`](super::decode::decode_snapshot)
/// from the stored format up to [`FORMAT_VERSION`](crate::stream::FORMAT_VERSION), one step at a time.
///
/// A step rewrites JSON only (renamed tags and fields, added fields given their old meaning); the chain then sets
/// `format` and deserializes the result as the current types, with their validation. A step that meets JSON it
/// does not expect answers [`WireError::Upcast`]: an old stream is read exactly or not at all.
pub trait Upcast {
    /// The aggregate's name in messages (`points account`).
    const NAME: &'static str;

    /// Rewrites a commit written in format `from` into format `from + 1` (its `format` field is set by the chain).
    ///
    /// # Errors
    ///
    /// [`WireError::Upcast`] when the JSON is not what format `from` wrote.
    fn upcast_commit(from: u32, commit: Value) -> Result<Value, WireError>;

    /// Rewrites a snapshot written in format `from` into format `from + 1`, or `Ok(None)`: this snapshot cannot be
    /// upcast, ignore it and rebuild the state from the commits (always correct: a snapshot is a cache). The
    /// default ignores every older snapshot.
    ///
    /// # Errors
    ///
    /// [`WireError::Upcast`] when the JSON is not what format `from` wrote.
    fn upcast_snapshot(from: u32, snapshot: Value) -> Result<Option<Value>, WireError> {
        let _ = (from, snapshot);
        Ok(None)
    }
}

/// A [`WireError::Upcast`] of aggregate `U`'s `what` at the step from `from`.
pub(crate) fn step_error<U: Upcast>(what: super::error::Stored, from: u32, detail: impl Into<String>) -> WireError {
    WireError::Upcast { aggregate: U::NAME.to_owned(), what, from, to: from.saturating_add(1), detail: detail.into() }
}
