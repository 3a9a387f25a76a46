//! The SQLite [`Engine`]: the statements behind [`SqliteStore`] and the outbox.

use customer_care::host::AppendError;
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::codec::{check_batch, decode_commit, decode_snapshot, encode};
use customer_care_storage::{
    CommitOf, Engine, OutboxEntry, OutboxKey, RowError, Rows as _, Store, blocking, version_from_sql, version_to_sql,
};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;

/// The streams of one aggregate type `A` in a [`Database`], under the kind name given to
/// [`Database::store`].
///
/// - [`CommitStore`](customer_care::host::CommitStore): append with the expected version (checked inside a
///   `BEGIN IMMEDIATE` transaction), unique `(stream, version)` and `(stream, command id)`, load after a version,
///   find a command. Passes [`check_store`](customer_care::host::conformance::check_store).
/// - Snapshots: [`save_snapshot`](Store::save_snapshot), [`load_state`](Store::load_state) (the snapshot plus
///   the commits after it).
/// - The outbox: [`with_effects`](Store::with_effects) writes each commit's effects in its transaction; drain
///   them with [`Database::outbox`].
/// - Deadlines: [`with_deadlines`](Store::with_deadlines) stores the stream's `next_deadline()` with each commit;
///   [`due`](Store::due) lists the streams due at or before a time, from an index.
///
/// An append is one transaction: the commits, their effects, the stream's head version and deadline, and a
/// snapshot when one is due are all written, or none is (a process killed mid-append leaves the file as it was).
///
/// ```
/// use customer_care::customer::{Customer, CustomerCommand, NewProfile};
/// use customer_care::host::{Host, ManualClock};
/// use customer_care::{CommandId, CustomerId};
/// use customer_care::chrono::{TimeZone, Utc};
/// use customer_care_sqlite::Database;
///
/// let db = Database::in_memory()?;
/// let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
/// let mut host = Host::new(db.store::<Customer>("customer"), ManualClock::new(now));
/// let mut lan = Customer::new(CustomerId::from_u128(1)?);
/// let register = CustomerCommand::Register { profile: NewProfile::default().full_name("Lan")?.build(), registered_at: None };
/// host.submit(&mut lan, &(), CommandId::from_u128(10)?, register)?;
///
/// // Another process (or a restart) finds the same customer in the file.
/// let again = host.store().load_state(Customer::new(CustomerId::from_u128(1)?))?;
/// assert_eq!(again, lan);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type SqliteStore<A> = Store<A, Database>;

impl Engine for Database {
    type Error = StoreError;

    fn version(&self, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
        head(self.connection(), kind, stream)
    }

    fn read_commits<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        blocking(Rows(self.connection()).commits_between::<A>(kind, stream, after, u64::MAX))
    }

    fn find_command<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<Commit<A::Command, A::Event>>, StoreError> {
        let row: Option<(i64, String)> = self
            .connection()
            .prepare_cached("SELECT version, body FROM commits WHERE kind = ?1 AND stream = ?2 AND command_id = ?3")?
            .query_row(params![kind, stream.as_bytes().as_slice(), command_id.as_uuid().as_bytes().as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(version, body)| decode_commit::<A>(kind, stream, version, &body)).transpose()?)
    }

    fn append<A: Aggregate + Upcast + Serialize + DeserializeOwned>(
        &self,
        kind: &'static str,
        options: &mut customer_care_storage::Options<A>,
        stream: Uuid,
        expected: u64,
        commits: &[CommitOf<A>],
    ) -> Result<Result<(), AppendError<StoreError>>, StoreError>
    where
        A::Command: Serialize + DeserializeOwned,
        A::Event: Serialize + DeserializeOwned,
    {
        check_batch(kind, stream, expected, commits)?;
        let key = stream.as_bytes().as_slice();
        let tx = Transaction::new_unchecked(self.connection(), TransactionBehavior::Immediate)?;
        let actual = head(&tx, kind, stream)?;
        if actual != expected {
            return Ok(Err(AppendError::VersionConflict { stream, expected, actual }));
        }
        let Some(last) = commits.last() else { return Ok(Ok(())) };
        for commit in commits {
            let id = commit.command.id.as_uuid();
            let stored: Option<i64> = tx
                .prepare_cached("SELECT version FROM commits WHERE kind = ?1 AND stream = ?2 AND command_id = ?3")?
                .query_row(params![kind, key, id.as_bytes().as_slice()], |r| r.get(0))
                .optional()?;
            if let Some(version) = stored {
                let version = version_from_sql("commits", kind, stream, version)?;
                return Ok(Err(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version }));
            }
        }
        for commit in commits {
            let version = version_to_sql(kind, stream, commit.version)?;
            let body = encode("commit", kind, stream, commit)?;
            tx.prepare_cached(
                "INSERT INTO commits (kind, stream, version, command_id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                kind,
                key,
                version,
                commit.command.id.as_uuid().as_bytes().as_slice(),
                body
            ])?;
            for (seq, effect) in (0i64..).zip(options.effects.map(|effects| effects(commit)).unwrap_or_default()) {
                let effect = encode("effect", kind, stream, &effect)?;
                tx.prepare_cached(
                    "INSERT INTO outbox (kind, stream, version, seq, effect) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![kind, key, version, seq, effect])?;
            }
        }
        let tracked = blocking(options.track(&mut Rows(&tx), kind, stream, expected, commits))?;
        tx.prepare_cached(
            "INSERT INTO streams (kind, stream, version, due_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, due_at = excluded.due_at",
        )?
        .execute(params![kind, key, version_to_sql(kind, stream, last.version)?, tracked.due_at])?;
        tx.commit()?;
        options.keep(tracked);
        Ok(Ok(()))
    }

    fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), StoreError> {
        blocking(Rows(self.connection()).put_snapshot(kind, state))
    }

    fn load_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, StoreError> {
        blocking(Rows(self.connection()).snapshot_at(kind, stream, u64::MAX))
    }

    fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT stream, due_at, version FROM streams
             WHERE kind = ?1 AND due_at IS NOT NULL AND due_at <= ?2 ORDER BY due_at, stream LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![kind, until, limit], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (stream, due_at, version) = row?;
            due.push((stream_from_sql("streams", kind, version, &stream)?, due_at, version));
        }
        Ok(due)
    }

    fn min_due(&self, kind: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.connection().query_row(
            "SELECT MIN(due_at) FROM streams WHERE kind = ?1 AND due_at IS NOT NULL",
            params![kind],
            |r| r.get(0),
        )?)
    }

    fn scalar(&self, sql: &'static str) -> Result<i64, StoreError> {
        Ok(self.connection().prepare_cached(sql)?.query_row([], |r| r.get(0))?)
    }

    fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT position, kind, stream, version, seq, effect FROM outbox WHERE done_at IS NULL
             ORDER BY position LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (position, kind, stream, version, seq, effect) = row?;
            let stream = stream_from_sql("outbox", &kind, version, &stream)?;
            entries.push(OutboxEntry::from_row(position, kind, stream, version, seq, &effect)?);
        }
        Ok(entries)
    }

    fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
        let changed = self
            .connection()
            .prepare_cached(
                "UPDATE outbox SET done_at = ?5
                 WHERE kind = ?1 AND stream = ?2 AND version = ?3 AND seq = ?4 AND done_at IS NULL",
            )?
            .execute(params![
                key.kind,
                key.stream.as_bytes().as_slice(),
                i64::try_from(key.version).unwrap_or(i64::MAX),
                key.seq,
                at
            ])?;
        Ok(changed > 0)
    }

    fn delete_done(&self, before: i64) -> Result<u64, StoreError> {
        let deleted = self
            .connection()
            .prepare_cached("DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?1")?
            .execute(params![before])?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }
}

/// A stream id stored as 16 bytes.
fn stream_from_sql(table: &'static str, kind: &str, version: i64, bytes: &[u8]) -> Result<Uuid, RowError> {
    Uuid::from_slice(bytes).map_err(|e| RowError::Corrupt {
        table,
        kind: kind.to_owned(),
        stream: Uuid::nil(),
        version: u64::try_from(version).unwrap_or(0),
        detail: format!("stream id: {e}"),
    })
}

/// The head version of a stream.
fn head(conn: &rusqlite::Connection, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
    let head: Option<i64> = conn
        .prepare_cached("SELECT version FROM streams WHERE kind = ?1 AND stream = ?2")?
        .query_row(params![kind, stream.as_bytes().as_slice()], |r| r.get(0))
        .optional()?;
    Ok(head.map_or(Ok(0), |v| version_from_sql("streams", kind, stream, v))?)
}

/// The connection (inside an append's transaction, or on its own) as the store reads and writes streams'
/// commits and snapshots.
struct Rows<'a>(&'a rusqlite::Connection);

impl customer_care_storage::Rows for Rows<'_> {
    type Error = StoreError;

    async fn snapshot_at<A: Aggregate + Upcast + DeserializeOwned>(
        &mut self,
        kind: &str,
        stream: Uuid,
        until: u64,
    ) -> Result<Option<A>, StoreError> {
        let row: Option<(i64, String)> = self
            .0
            .prepare_cached("SELECT version, state FROM snapshots WHERE kind = ?1 AND stream = ?2 AND version <= ?3")?
            .query_row(params![kind, stream.as_bytes().as_slice(), i64::try_from(until).unwrap_or(i64::MAX)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((version, state)) = row else { return Ok(None) };
        Ok(decode_snapshot(kind, stream, version, &state)?)
    }

    async fn commits_between<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &mut self,
        kind: &str,
        stream: Uuid,
        after: u64,
        until: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT version, body FROM commits WHERE kind = ?1 AND stream = ?2 AND version > ?3 AND version <= ?4
         ORDER BY version",
        )?;
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let until = i64::try_from(until).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![kind, stream.as_bytes().as_slice(), after, until], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut commits = Vec::new();
        for row in rows {
            let (version, body) = row?;
            commits.push(decode_commit::<A>(kind, stream, version, &body)?);
        }
        Ok(commits)
    }

    async fn put_snapshot<A: Aggregate + Serialize>(&mut self, kind: &str, state: &A) -> Result<(), StoreError> {
        let stream = state.stream_id();
        let json = encode("snapshot", kind, stream, state)?;
        self.0
            .prepare_cached(
                "INSERT INTO snapshots (kind, stream, version, state) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, state = excluded.state
         WHERE excluded.version > snapshots.version",
            )?
            .execute(params![
                kind,
                stream.as_bytes().as_slice(),
                version_to_sql(kind, stream, state.version())?,
                json
            ])?;
        Ok(())
    }
}
