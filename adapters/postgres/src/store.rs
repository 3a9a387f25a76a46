//! One aggregate type's streams: the [`CommitStore`], snapshots, the effects written to the outbox and the
//! deadline kept with each commit.

use std::fmt;

use chrono::{DateTime, Utc};
use customer_care::host::{AppendError, CommitStore};
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::codec::{check_batch, decode_commit, decode_snapshot, encode, rebuild};
use customer_care_storage::{Due, RowError, Tracking, from_micros, to_micros_ceil, version_from_sql, version_to_sql};
use postgres::GenericClient;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;

// The statements of an append, prepared once per connection.
const HEAD_CREATE: &str =
    "INSERT INTO streams (kind, stream, version) VALUES ($1, $2, 0) ON CONFLICT (kind, stream) DO NOTHING";
const HEAD_LOCK: &str = "SELECT version FROM streams WHERE kind = $1 AND stream = $2 FOR UPDATE";
const FIND_ID: &str = "SELECT version FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3";
const INSERT_COMMIT: &str =
    "INSERT INTO commits (kind, stream, version, command_id, body) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
const INSERT_EFFECT: &str =
    "INSERT INTO outbox (kind, stream, version, seq, effect) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
const HEAD_UPDATE: &str = "UPDATE streams SET version = $3, due_at = $4 WHERE kind = $1 AND stream = $2";

/// A commit of aggregate `A`.
pub type CommitOf<A> = Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>;

/// The effects a commit asks the host to deliver (e-receipts, care messages) as JSON documents, written to the
/// outbox in the commit's transaction.
pub type Effects<A> = fn(&CommitOf<A>) -> Vec<serde_json::Value>;

/// The streams of one aggregate type `A` in a [`Database`], under the kind name given to [`Database::store`].
///
/// - [`CommitStore`]: append with the expected version (checked under a row lock on the stream inside the
///   transaction), unique `(stream, version)` and `(stream, command id)`, load after a version, find a command.
///   Passes [`customer_care::host::conformance::check_store`].
/// - Snapshots: [`save_snapshot`](Self::save_snapshot), [`load_state`](Self::load_state).
/// - The outbox: [`with_effects`](Self::with_effects); drain with [`Database::outbox`].
/// - Deadlines: [`with_deadlines`](Self::with_deadlines) and [`due`](Self::due).
///
/// An append is one transaction: the commits, their effects, the stream's head version and deadline, and a
/// snapshot when due are all written, or none is (a connection killed mid-append leaves nothing of it).
pub struct PostgresStore<A: Aggregate> {
    db: Database,
    kind: &'static str,
    effects: Option<Effects<A>>,
    tracking: Option<Tracking<A>>,
}

impl<A: Aggregate> fmt::Debug for PostgresStore<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("db", &self.db)
            .field("kind", &self.kind)
            .field("effects", &self.effects.is_some())
            .field("deadlines", &self.tracking.is_some())
            .finish()
    }
}

impl<A: Aggregate> PostgresStore<A> {
    pub(crate) const fn new(db: Database, kind: &'static str) -> Self {
        Self { db, kind, effects: None, tracking: None }
    }

    /// The kind name the streams are stored under.
    pub const fn kind(&self) -> &'static str {
        self.kind
    }

    /// The database.
    pub const fn database(&self) -> &Database {
        &self.db
    }

    /// Writes `effects(commit)` to the outbox in the transaction of every appended commit.
    #[must_use]
    pub fn with_effects(mut self, effects: Effects<A>) -> Self {
        self.effects = Some(effects);
        self
    }

    /// Stores each stream's next deadline with every commit: `deadline` of the state after the commit. `new`
    /// makes the empty aggregate of a stream id (`None` for an id the type refuses), the start of a rebuild.
    ///
    /// The store keeps the latest state of the streams it appended to (up to 100,000); a stream it does not hold
    /// is rebuilt from its latest snapshot and the commits after it, inside the append's transaction.
    #[must_use]
    pub fn with_deadlines(mut self, new: fn(Uuid) -> Option<A>, deadline: fn(&A) -> Option<DateTime<Utc>>) -> Self {
        self.tracking = Some(Tracking::new(new, deadline));
        self
    }

    /// With deadlines on, also writes a snapshot in the transaction of every commit whose version is a multiple
    /// of `every` (0: never).
    #[must_use]
    pub fn snapshot_every(mut self, every: u64) -> Self {
        if let Some(tracking) = &mut self.tracking {
            tracking.set_snapshot_every(every);
        }
        self
    }

    /// How many streams' states the deadline tracking keeps in memory (when full, it starts again empty).
    #[must_use]
    pub fn cache_limit(mut self, streams: usize) -> Self {
        if let Some(tracking) = &mut self.tracking {
            tracking.set_cache_limit(streams);
        }
        self
    }

    /// The stream's head version (0 for a stream without commits).
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`], [`StoreError::Closed`]; [`RowError::Corrupt`] for a negative version.
    pub fn version(&self, stream: Uuid) -> Result<u64, StoreError> {
        let row = self
            .db
            .client()?
            .query_opt("SELECT version FROM streams WHERE kind = $1 AND stream = $2", &[&self.kind, &stream])?;
        row.map_or(Ok(0), |r| Ok(version_from_sql("streams", self.kind, stream, r.try_get(0)?)?))
    }

    /// The streams due at or before `now`, earliest first, at most `limit` of them, from the index on
    /// `(kind, due_at)`. Empty unless the store keeps deadlines.
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`], [`StoreError::Closed`]; [`RowError::Corrupt`] for a value out of range.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.db.client()?.query(
            "SELECT stream, due_at, version FROM streams
             WHERE kind = $1 AND due_at IS NOT NULL AND due_at <= $2 ORDER BY due_at, stream LIMIT $3",
            &[&self.kind, &to_micros_ceil(now), &limit],
        )?;
        let mut due = Vec::with_capacity(rows.len());
        for row in rows {
            let (stream, due_at, version): (Uuid, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let due_at = from_micros(due_at).ok_or_else(|| RowError::Corrupt {
                table: "streams",
                kind: self.kind.to_owned(),
                stream,
                version: u64::try_from(version).unwrap_or(0),
                detail: format!("due_at {due_at} out of range"),
            })?;
            due.push(Due { stream, due_at, version: version_from_sql("streams", self.kind, stream, version)? });
        }
        Ok(due)
    }

    /// The earliest deadline of any stream of this kind: when the scheduler should wake next.
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`], [`StoreError::Closed`]; [`RowError::Corrupt`] for a value out of range.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let micros: Option<i64> = self
            .db
            .client()?
            .query_one("SELECT MIN(due_at) FROM streams WHERE kind = $1 AND due_at IS NOT NULL", &[&self.kind])?
            .try_get(0)?;
        micros
            .map(|m| {
                from_micros(m).ok_or_else(|| RowError::Corrupt {
                    table: "streams",
                    kind: self.kind.to_owned(),
                    stream: Uuid::nil(),
                    version: 0,
                    detail: format!("due_at {m} out of range"),
                })
            })
            .transpose()
            .map_err(StoreError::from)
    }
}

impl<A> PostgresStore<A>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    /// Saves `state` as its stream's snapshot (at `state.version()`), replacing an older one.
    ///
    /// # Errors
    ///
    /// [`RowError::Encode`] when the state does not serialize; [`StoreError::Postgres`].
    pub fn save_snapshot(&self, state: &A) -> Result<(), StoreError> {
        write_snapshot(&mut *self.db.client()?, self.kind, state)
    }

    /// The stream's latest snapshot, if any.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] when it does not decode or belongs to another stream; [`StoreError::Postgres`].
    pub fn load_snapshot(&self, stream: Uuid) -> Result<Option<A>, StoreError> {
        read_snapshot(&mut *self.db.client()?, self.kind, stream, u64::MAX)
    }

    /// `initial` brought to the end of its stream: from the stream's snapshot when it is newer, then the commits
    /// after it.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`], [`RowError::Rebuild`] for commits out of order, [`StoreError::Postgres`].
    pub fn load_state(&self, initial: A) -> Result<A, StoreError> {
        let stream = initial.stream_id();
        let base = match self.load_snapshot(stream)? {
            Some(snapshot) if snapshot.version() > initial.version() => snapshot,
            _ => initial,
        };
        let tail = self.load(stream, base.version())?;
        Ok(rebuild(self.kind, base, &tail)?)
    }

    /// The append, in one transaction. The outer error is the store's; the inner one a refusal of the contract.
    fn append_tx(
        &mut self,
        stream: Uuid,
        expected: u64,
        commits: &[CommitOf<A>],
    ) -> Result<Result<(), AppendError<StoreError>>, StoreError> {
        let kind = self.kind;
        check_batch(kind, stream, expected, commits)?;
        let Some(last) = commits.last() else {
            let actual = self.version(stream)?;
            return Ok(if actual == expected {
                Ok(())
            } else {
                Err(AppendError::VersionConflict { stream, expected, actual })
            });
        };
        let mut client = self.db.client()?;
        let mut tx = client.transaction()?;
        let head_create = self.db.prepare(&mut tx, HEAD_CREATE)?;
        let head_lock = self.db.prepare(&mut tx, HEAD_LOCK)?;
        let find_id = self.db.prepare(&mut tx, FIND_ID)?;
        let insert_commit = self.db.prepare(&mut tx, INSERT_COMMIT)?;
        let insert_effect = self.db.prepare(&mut tx, INSERT_EFFECT)?;
        let head_update = self.db.prepare(&mut tx, HEAD_UPDATE)?;
        // The stream's row exists (a first append creates it, waiting for a concurrent first append to finish),
        // then is locked: appends to one stream run one at a time, and see each other's commits.
        tx.execute(&head_create, &[&kind, &stream])?;
        let head: i64 = tx.query_one(&head_lock, &[&kind, &stream])?.try_get(0)?;
        let actual = version_from_sql("streams", kind, stream, head)?;
        if actual != expected {
            return Ok(Err(AppendError::VersionConflict { stream, expected, actual }));
        }
        for commit in commits {
            let id = commit.command.id.as_uuid();
            let stored = tx.query_opt(&find_id, &[&kind, &stream, &id])?;
            if let Some(row) = stored {
                let version = version_from_sql("commits", kind, stream, row.try_get(0)?)?;
                return Ok(Err(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version }));
            }
        }
        for commit in commits {
            let version = version_to_sql(kind, stream, commit.version)?;
            let body = encode("commit", kind, stream, commit)?;
            tx.execute(&insert_commit, &[&kind, &stream, &version, &commit.command.id.as_uuid(), &body])?;
            if let Some(effects) = self.effects {
                for (seq, effect) in (0i32..).zip(effects(commit)) {
                    let effect = encode("effect", kind, stream, &effect)?;
                    tx.execute(&insert_effect, &[&kind, &stream, &version, &seq, &effect])?;
                }
            }
        }
        let mut after = None;
        let mut due_at = None;
        if let Some(tracking) = &mut self.tracking {
            let mut state = match tracking.take(stream, expected) {
                Some(cached) => cached,
                None => state_at(&mut tx, kind, stream, expected, tracking)?,
            };
            let advanced = tracking.advance(&mut state, commits);
            if advanced.snapshot {
                write_snapshot(&mut tx, kind, &state)?;
            }
            due_at = advanced.due_at;
            after = Some(state);
        }
        tx.execute(&head_update, &[&kind, &stream, &version_to_sql(kind, stream, last.version)?, &due_at])?;
        tx.commit()?;
        drop(client);
        if let (Some(tracking), Some(state)) = (&mut self.tracking, after) {
            tracking.keep(state);
        }
        Ok(Ok(()))
    }
}

/// The state of `stream` at `version`: its latest snapshot at or before `version` (else the empty aggregate),
/// then the commits after it.
fn state_at<A>(
    client: &mut impl GenericClient,
    kind: &'static str,
    stream: Uuid,
    version: u64,
    tracking: &Tracking<A>,
) -> Result<A, StoreError>
where
    A: Aggregate + Upcast + DeserializeOwned,
    A::Command: DeserializeOwned,
    A::Event: DeserializeOwned,
{
    let base = match read_snapshot(client, kind, stream, version)? {
        Some(snapshot) => snapshot,
        None => tracking.empty(kind, stream)?,
    };
    let tail = read_commits::<A>(client, kind, stream, base.version(), version)?;
    Ok(rebuild(kind, base, &tail)?)
}

/// The commits of `stream` with `after < version <= until`, in order.
fn read_commits<A>(
    client: &mut impl GenericClient,
    kind: &str,
    stream: Uuid,
    after: u64,
    until: u64,
) -> Result<Vec<CommitOf<A>>, StoreError>
where
    A: Aggregate + Upcast,
    A::Command: DeserializeOwned,
    A::Event: DeserializeOwned,
{
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let until = i64::try_from(until).unwrap_or(i64::MAX);
    let rows = client.query(
        "SELECT version, body::text FROM commits WHERE kind = $1 AND stream = $2 AND version > $3 AND version <= $4
         ORDER BY version",
        &[&kind, &stream, &after, &until],
    )?;
    let mut commits = Vec::with_capacity(rows.len());
    for row in rows {
        commits.push(decode_commit::<A>(kind, stream, row.try_get(0)?, row.try_get(1)?)?);
    }
    Ok(commits)
}

/// The latest snapshot of `stream` at or before `until`.
fn read_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
    client: &mut impl GenericClient,
    kind: &str,
    stream: Uuid,
    until: u64,
) -> Result<Option<A>, StoreError> {
    let row = client.query_opt(
        "SELECT version, state::text FROM snapshots WHERE kind = $1 AND stream = $2 AND version <= $3",
        &[&kind, &stream, &i64::try_from(until).unwrap_or(i64::MAX)],
    )?;
    let Some(row) = row else { return Ok(None) };
    let (version, state): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
    Ok(decode_snapshot(kind, stream, version, &state)?)
}

/// Writes `state` as its stream's snapshot unless a newer one is stored.
fn write_snapshot<A: Aggregate + Serialize>(
    client: &mut impl GenericClient,
    kind: &str,
    state: &A,
) -> Result<(), StoreError> {
    let stream = state.stream_id();
    let json = encode("snapshot", kind, stream, state)?;
    client.execute(
        "INSERT INTO snapshots (kind, stream, version, state) VALUES ($1, $2, $3, $4::text::jsonb)
         ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, state = excluded.state
         WHERE excluded.version > snapshots.version",
        &[&kind, &stream, &version_to_sql(kind, stream, state.version())?, &json],
    )?;
    Ok(())
}

impl<A> CommitStore<A::Command, A::Event> for PostgresStore<A>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    type Error = StoreError;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<CommitOf<A>>, StoreError> {
        read_commits::<A>(&mut *self.db.client()?, self.kind, stream, after_version, u64::MAX)
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[CommitOf<A>],
    ) -> Result<(), AppendError<StoreError>> {
        self.append_tx(stream, expected_version, commits).unwrap_or_else(|e| Err(AppendError::Store(e)))
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<CommitOf<A>>, StoreError> {
        let row = self.db.client()?.query_opt(
            "SELECT version, body::text FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3",
            &[&self.kind, &stream, &command_id.as_uuid()],
        )?;
        row.map(|row| Ok(decode_commit::<A>(self.kind, stream, row.try_get(0)?, row.try_get(1)?)?)).transpose()
    }
}
