//! Reading stored JSON of any known format: read the format, upcast step by step, deserialize.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Stored, WireError};
use super::upcast::Upcast;
use crate::stream::{Aggregate, Commit, FIRST_FORMAT, FORMAT_VERSION};

/// The commit of aggregate `A` stored as `json`, in any format up to [`FORMAT_VERSION`]: older ones are upcast by
/// `A`'s [`Upcast`] steps, then deserialized (and validated) as today's types.
///
/// ```
/// use customer_care::wire::decode_commit;
/// use customer_care::{PointsAccount, PointsEvent};
///
/// // Format 1: no `format` field, and the tag this event had before issue 15 renamed it.
/// let stored = r#"{"version":7,"command":{"id":"0b8f4b6e-9a0f-4a4e-8a43-3f0a9c1b2d11",
///     "issued_at":"2027-01-01T00:00:00Z","body":{"type":"process_due"}},
///     "events":[{"type":"points_expired","lot":"3.0","points":120}]}"#;
/// let commit = decode_commit::<PointsAccount>(stored)?;
/// assert!(matches!(commit.events[0], PointsEvent::LotExpired { .. }));
/// # Ok::<(), customer_care::wire::WireError>(())
/// ```
///
/// # Errors
///
/// [`WireError::NotJson`], [`WireError::InvalidFormat`], [`WireError::NewerFormat`] (written by a newer build:
/// never guessed at), [`WireError::Upcast`], [`WireError::Decode`].
pub fn decode_commit<A>(json: &str) -> Result<Commit<A::Command, A::Event>, WireError>
where
    A: Aggregate + Upcast,
    A::Command: DeserializeOwned,
    A::Event: DeserializeOwned,
{
    // The common case, written by this build: read straight from the text (plain deserialization accepts the
    // current format only). Anything else takes the checked path below, which names what is wrong.
    if let Ok(commit) = serde_json::from_str(json) {
        return Ok(commit);
    }
    let what = Stored::Commit;
    let mut value = parse::<A>(what, json)?;
    let format = format_of::<A>(what, value.get("format"))?;
    for from in format..FORMAT_VERSION {
        value = A::upcast_commit(from, value)?;
    }
    set_format::<A>(what, format, &mut value)?;
    deserialize::<A, _>(what, format, value)
}

/// The snapshot of aggregate `A` stored as `json` (the aggregate's own JSON, whose `stream` envelope holds the
/// format), in any format up to [`FORMAT_VERSION`]. `Ok(None)`: an older snapshot that `A`'s steps ignore (see
/// [`Upcast::upcast_snapshot`]); rebuild the state from the commits.
///
/// # Errors
///
/// [`WireError::NotJson`], [`WireError::InvalidFormat`], [`WireError::NewerFormat`], [`WireError::Upcast`],
/// [`WireError::Decode`].
pub fn decode_snapshot<A>(json: &str) -> Result<Option<A>, WireError>
where
    A: Aggregate + Upcast + DeserializeOwned,
{
    if let Ok(state) = serde_json::from_str(json) {
        return Ok(Some(state));
    }
    let what = Stored::Snapshot;
    let mut value = parse::<A>(what, json)?;
    let format = format_of::<A>(what, value.get("stream").and_then(|s| s.get("format")))?;
    for from in format..FORMAT_VERSION {
        match A::upcast_snapshot(from, value)? {
            Some(next) => value = next,
            None => return Ok(None),
        }
    }
    let Some(stream) = value.get_mut("stream") else {
        return Err(decode_error::<A>(what, format, "no `stream` envelope"));
    };
    set_format::<A>(what, format, stream)?;
    deserialize::<A, _>(what, format, value).map(Some)
}

fn parse<A: Upcast>(what: Stored, json: &str) -> Result<Value, WireError> {
    let not_json = |detail: String| WireError::NotJson { aggregate: A::NAME.to_owned(), what, detail };
    let value: Value = serde_json::from_str(json).map_err(|e| not_json(e.to_string()))?;
    if value.is_object() { Ok(value) } else { Err(not_json(format!("found {value}"))) }
}

/// The format a `format` field says (absent: [`FIRST_FORMAT`]), if this build reads it.
fn format_of<A: Upcast>(what: Stored, field: Option<&Value>) -> Result<u32, WireError> {
    let Some(field) = field else { return Ok(FIRST_FORMAT) };
    let aggregate = A::NAME.to_owned();
    let format = field
        .as_u64()
        .and_then(|f| u32::try_from(f).ok())
        .filter(|&f| f >= FIRST_FORMAT)
        .ok_or_else(|| WireError::InvalidFormat { aggregate: aggregate.clone(), what, found: field.to_string() })?;
    if format > FORMAT_VERSION {
        return Err(WireError::NewerFormat { aggregate, what, found: format, known: FORMAT_VERSION });
    }
    Ok(format)
}

fn set_format<A: Upcast>(what: Stored, format: u32, object: &mut Value) -> Result<(), WireError> {
    let Some(object) = object.as_object_mut() else {
        return Err(decode_error::<A>(what, format, "not a JSON object after upcasting"));
    };
    object.insert("format".to_owned(), Value::from(FORMAT_VERSION));
    Ok(())
}

fn deserialize<A: Upcast, T: DeserializeOwned>(what: Stored, format: u32, value: Value) -> Result<T, WireError> {
    serde_json::from_value(value).map_err(|e| decode_error::<A>(what, format, e.to_string()))
}

fn decode_error<A: Upcast>(what: Stored, format: u32, detail: impl Into<String>) -> WireError {
    WireError::Decode { aggregate: A::NAME.to_owned(), what, format, detail: detail.into() }
}
