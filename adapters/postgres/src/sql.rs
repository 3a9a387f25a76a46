//! The SQL of the adapter and what both connections (blocking and async) do around it: one text, two drivers.

use customer_care::host::AppendError;
use customer_care::{Aggregate, Commit};
use customer_care_storage::codec::{decode_commit, decode_snapshot, encode};
use customer_care_storage::{CommitOf, Effects, OutboxEntry, OutboxKey, RowError, version_from_sql, version_to_sql};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::StoreError;

pub(crate) const VERSION: &str = "SELECT version FROM streams WHERE kind = $1 AND stream = $2";
pub(crate) const READ_COMMITS: &str = "SELECT version, body::text FROM commits
     WHERE kind = $1 AND stream = $2 AND version > $3 AND version <= $4 ORDER BY version";
pub(crate) const FIND_COMMAND: &str =
    "SELECT version, body::text FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3";
pub(crate) const READ_SNAPSHOT: &str =
    "SELECT version, state::text FROM snapshots WHERE kind = $1 AND stream = $2 AND version <= $3";
pub(crate) const WRITE_SNAPSHOT: &str = "INSERT INTO snapshots (kind, stream, version, state)
     VALUES ($1, $2, $3, $4::text::jsonb)
     ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, state = excluded.state
     WHERE excluded.version > snapshots.version";
pub(crate) const DUE: &str = "SELECT stream, due_at, version FROM streams
     WHERE kind = $1 AND due_at IS NOT NULL AND due_at <= $2 ORDER BY due_at, stream LIMIT $3";
pub(crate) const MIN_DUE: &str = "SELECT MIN(due_at) FROM streams WHERE kind = $1 AND due_at IS NOT NULL";
pub(crate) const PENDING: &str = "SELECT position, kind, stream, version, seq, effect::text FROM outbox
     WHERE done_at IS NULL ORDER BY position LIMIT $1";
pub(crate) const MARK_DONE: &str = "UPDATE outbox SET done_at = $5
     WHERE kind = $1 AND stream = $2 AND version = $3 AND seq = $4 AND done_at IS NULL";
pub(crate) const DELETE_DONE: &str = "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1";

// The statements of an append, prepared once per connection.
pub(crate) const HEAD_CREATE: &str =
    "INSERT INTO streams (kind, stream, version) VALUES ($1, $2, 0) ON CONFLICT (kind, stream) DO NOTHING";
pub(crate) const HEAD_LOCK: &str = "SELECT version FROM streams WHERE kind = $1 AND stream = $2 FOR UPDATE";
pub(crate) const FIND_ID: &str = "SELECT version FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3";
pub(crate) const INSERT_COMMIT: &str =
    "INSERT INTO commits (kind, stream, version, command_id, body) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
pub(crate) const INSERT_EFFECT: &str =
    "INSERT INTO outbox (kind, stream, version, seq, effect) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
pub(crate) const HEAD_UPDATE: &str = "UPDATE streams SET version = $3, due_at = $4 WHERE kind = $1 AND stream = $2";

/// An append of no commits: nothing to write, only the version to check.
pub(crate) const fn empty_append(stream: Uuid, expected: u64, actual: u64) -> Result<(), AppendError<StoreError>> {
    if actual == expected { Ok(()) } else { Err(AppendError::VersionConflict { stream, expected, actual }) }
}

/// The refusal of a commit whose command id is stored at `stored` (the version column).
pub(crate) fn duplicate<A: Aggregate>(
    kind: &str,
    stream: Uuid,
    commit: &CommitOf<A>,
    stored: i64,
) -> Result<AppendError<StoreError>, RowError> {
    let version = version_from_sql("commits", kind, stream, stored)?;
    Ok(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version })
}

/// A commit's row and its effects, encoded before the transaction writes them.
pub(crate) struct CommitRow {
    pub(crate) version: i64,
    pub(crate) body: String,
    pub(crate) effects: Vec<String>,
}

/// The rows of `commits`, in order.
pub(crate) fn commit_rows<A: Aggregate>(
    kind: &str,
    stream: Uuid,
    effects: Option<Effects<A>>,
    commits: &[CommitOf<A>],
) -> Result<Vec<CommitRow>, RowError>
where
    A::Command: Serialize,
    A::Event: Serialize,
{
    commits
        .iter()
        .map(|commit| {
            let made = effects.map(|effects| effects(commit)).unwrap_or_default();
            Ok(CommitRow {
                version: version_to_sql(kind, stream, commit.version)?,
                body: encode("commit", kind, stream, commit)?,
                effects: made.iter().map(|e| encode("effect", kind, stream, e)).collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// An outbox entry from a row of [`PENDING`].
pub(crate) fn outbox_entry(row: &postgres::Row) -> Result<OutboxEntry, StoreError> {
    let (position, kind, stream, version, seq, effect): (i64, String, Uuid, i64, i32, String) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?);
    Ok(OutboxEntry::from_row(position, kind, stream, version, i64::from(seq), &effect)?)
}

/// The key's version and seq as their columns' types.
pub(crate) fn key_values(key: &OutboxKey) -> (i64, i32) {
    (i64::try_from(key.version).unwrap_or(i64::MAX), i32::try_from(key.seq).unwrap_or(i32::MAX))
}

/// A version bound as its column's type (past `i64::MAX`: no bound).
pub(crate) fn until(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// The commits from the rows of [`READ_COMMITS`].
pub(crate) fn commits_from_rows<C: DeserializeOwned, E: DeserializeOwned>(
    kind: &str,
    stream: Uuid,
    rows: &[postgres::Row],
) -> Result<Vec<Commit<C, E>>, StoreError> {
    rows.iter().map(|row| Ok(decode_commit(kind, stream, row.try_get(0)?, row.try_get(1)?)?)).collect()
}

/// The snapshot from the row of [`READ_SNAPSHOT`].
pub(crate) fn snapshot_from_row<A: Aggregate + DeserializeOwned>(
    kind: &str,
    stream: Uuid,
    row: Option<postgres::Row>,
) -> Result<Option<A>, StoreError> {
    let Some(row) = row else { return Ok(None) };
    let (version, state): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
    Ok(Some(decode_snapshot(kind, stream, version, &state)?))
}

/// The values of [`WRITE_SNAPSHOT`] but the kind: stream, version, state.
pub(crate) fn snapshot_row<A: Aggregate + Serialize>(kind: &str, state: &A) -> Result<(Uuid, i64, String), RowError> {
    let stream = state.stream_id();
    Ok((stream, version_to_sql(kind, stream, state.version())?, encode("snapshot", kind, stream, state)?))
}
