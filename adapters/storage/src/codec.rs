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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use customer_care::customer::{Customer, CustomerCommand};
    use customer_care::{Command, CommandId, CustomerId, PointsAccount};

    use super::*;

    fn commit() -> Commit<CustomerCommand, customer_care::CustomerEvent> {
        let at = Utc.with_ymd_and_hms(2026, 1, 5, 2, 0, 0).unwrap();
        Commit {
            version: 1,
            command: Command::new(CommandId::from_u128(7).unwrap(), at, CustomerCommand::Erase),
            events: vec![],
        }
    }

    #[test]
    fn a_commit_of_a_newer_format_is_a_corrupt_row_naming_both_formats() {
        let stream = Uuid::from_u128(1);
        let json = serde_json::to_string(&commit()).unwrap();
        assert_eq!(decode_commit::<Customer>("customer", stream, 1, &json).unwrap(), commit());
        let newer = json.replace(r#""format":2"#, r#""format":3"#);
        let err = decode_commit::<Customer>("customer", stream, 1, &newer).unwrap_err().to_string();
        assert!(
            err.ends_with("customer commit written in format 3, newer than format 2, the newest this build reads"),
            "{err}"
        );
    }

    #[test]
    fn an_older_snapshot_is_upcast_or_left_for_a_rebuild() {
        let id = CustomerId::from_u128(1).unwrap();
        let json = serde_json::to_string(&Customer::new(id)).unwrap();
        let old = json.replace(r#""format":2,"#, "");
        assert_ne!(old, json);
        let stream = id.as_uuid();
        assert_eq!(decode_snapshot::<Customer>("customer", stream, 0, &json).unwrap(), Some(Customer::new(id)));
        assert_eq!(decode_snapshot::<Customer>("customer", stream, 0, &old).unwrap(), None);
        let account = PointsAccount::new(customer_care::AccountId::from_u128(2).unwrap());
        let old = serde_json::to_string(&account).unwrap().replace(r#""format":2,"#, "");
        assert_eq!(decode_snapshot::<PointsAccount>("points", account.stream_id(), 0, &old).unwrap(), Some(account));
    }
}
