//! Rows to and from the crate's values: commits, snapshots and effects as JSON, checked against their keys.
//!
//! Commits and snapshots are read through [`customer_care::wire`]: whatever format a row was written in (up to
//! the build's own), it is upcast to today's shapes on load, and a row written by a newer build is refused as
//! corrupt for this build, never misread.

use customer_care::stream::replay;
use customer_care::wire::{self, Upcast};
use customer_care::{Aggregate, Commit};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::RowError;

/// `value` as JSON.
///
/// # Errors
///
/// [`RowError::Encode`] naming `what` (`commit`, `snapshot`, `effect`).
pub fn encode<T: Serialize>(what: &'static str, kind: &str, stream: Uuid, value: &T) -> Result<String, RowError> {
    serde_json::to_string(value).map_err(|e| RowError::Encode {
        what,
        kind: kind.to_owned(),
        stream,
        detail: e.to_string(),
    })
}

/// The commit of aggregate `A` stored at `version` of `stream`, in any format this build reads
/// ([`wire::decode_commit`]).
///
/// # Errors
///
/// [`RowError::Corrupt`] when `body` does not decode (a newer build's format included) or holds another version's
/// commit.
pub fn decode_commit<A>(
    kind: &str,
    stream: Uuid,
    version: i64,
    body: &str,
) -> Result<Commit<A::Command, A::Event>, RowError>
where
    A: Aggregate + Upcast,
    A::Command: DeserializeOwned,
    A::Event: DeserializeOwned,
{
    let corrupt = |detail: String| RowError::Corrupt {
        table: "commits",
        kind: kind.to_owned(),
        stream,
        version: u64::try_from(version).unwrap_or(0),
        detail,
    };
    let commit = wire::decode_commit::<A>(body).map_err(|e| corrupt(e.to_string()))?;
    if i64::try_from(commit.version).ok() != Some(version) {
        return Err(corrupt(format!("the row holds the commit of version {}", commit.version)));
    }
    Ok(commit)
}

/// The snapshot stored for `stream` at `version`, in any format this build reads ([`wire::decode_snapshot`]);
/// `None` when it is of an older format that `A` does not upcast: load the state from the commits instead.
///
/// # Errors
///
/// [`RowError::Corrupt`] when `state` does not decode (a newer build's format included) or is another stream's,
/// or another version's.
pub fn decode_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
    kind: &str,
    stream: Uuid,
    version: i64,
    state: &str,
) -> Result<Option<A>, RowError> {
    let corrupt = |detail: String| RowError::Corrupt {
        table: "snapshots",
        kind: kind.to_owned(),
        stream,
        version: u64::try_from(version).unwrap_or(0),
        detail,
    };
    let Some(snapshot) = wire::decode_snapshot::<A>(state).map_err(|e| corrupt(e.to_string()))? else {
        return Ok(None);
    };
    if snapshot.stream_id() != stream || i64::try_from(snapshot.version()).ok() != Some(version) {
        return Err(corrupt(format!(
            "the row holds stream {} at version {}",
            snapshot.stream_id(),
            snapshot.version()
        )));
    }
    Ok(Some(snapshot))
}

/// Checks that `commits` are numbered `expected + 1`, `expected + 2`, … (before anything is written).
///
/// # Errors
///
/// [`RowError::BatchOutOfOrder`] at the first commit out of order.
pub fn check_batch<C, E>(kind: &str, stream: Uuid, expected: u64, commits: &[Commit<C, E>]) -> Result<(), RowError> {
    for (index, commit) in commits.iter().enumerate() {
        let next = u64::try_from(index).ok().and_then(|i| i.checked_add(1)).and_then(|i| expected.checked_add(i));
        if next != Some(commit.version) {
            let found = commit.version;
            return Err(RowError::BatchOutOfOrder { kind: kind.to_owned(), stream, expected, index, found });
        }
    }
    Ok(())
}

/// `base` with `tail` applied.
///
/// # Errors
///
/// [`RowError::Rebuild`] when the commits do not follow `base` one by one.
pub fn rebuild<A: Aggregate>(kind: &str, base: A, tail: &[Commit<A::Command, A::Event>]) -> Result<A, RowError> {
    let stream = base.stream_id();
    replay(base, tail).map_err(|e| RowError::Rebuild { kind: kind.to_owned(), stream, detail: e.to_string() })
}
