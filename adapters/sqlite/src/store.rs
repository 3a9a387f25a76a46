//! One aggregate type's streams: the [`CommitStore`], snapshots, the effects written to the outbox and the
//! deadline kept with each commit.

use std::fmt;

use chrono::{DateTime, Utc};
use customer_care::host::{AppendError, CommitStore};
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::codec::{check_batch, decode_commit, decode_snapshot, encode, rebuild};
use customer_care_storage::{Due, RowError, Tracking, from_micros, to_micros_ceil, version_from_sql, version_to_sql};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;

/// A commit of aggregate `A`.
pub type CommitOf<A> = Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>;

/// The effects a commit asks the host to deliver (e-receipts, care messages) as JSON documents, written to the
/// outbox in the commit's transaction.
pub type Effects<A> = fn(&CommitOf<A>) -> Vec<serde_json::Value>;

/// The streams of one aggregate type `A` in a [`Database`], under the kind name given to
/// [`Database::store`].
///
/// - [`CommitStore`]: append with the expected version (checked inside a `BEGIN IMMEDIATE` transaction), unique
///   `(stream, version)` and `(stream, command id)`, load after a version, find a command. Passes
///   [`customer_care::host::conformance::check_store`].
/// - Snapshots: [`save_snapshot`](Self::save_snapshot), [`load_state`](Self::load_state) (the snapshot plus
///   the commits after it).
/// - The outbox: [`with_effects`](Self::with_effects) writes each commit's effects in its transaction; drain
///   them with [`Database::outbox`].
/// - Deadlines: [`with_deadlines`](Self::with_deadlines) stores the stream's `next_deadline()` with each commit;
///   [`due`](Self::due) lists the streams due at or before a time, from an index.
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
pub struct SqliteStore<A: Aggregate> {
    db: Database,
    kind: &'static str,
    effects: Option<Effects<A>>,
    tracking: Option<Tracking<A>>,
}

impl<A: Aggregate> fmt::Debug for SqliteStore<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("db", &self.db)
            .field("kind", &self.kind)
            .field("effects", &self.effects.is_some())
            .field("deadlines", &self.tracking.is_some())
            .finish()
    }
}

impl<A: Aggregate> SqliteStore<A> {
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

    /// Stores each stream's next deadline with every commit: `deadline` of the state after the commit
    /// (`PointsAccount::next_deadline`, say). `new` makes the empty aggregate of a stream id (`None` for an id
    /// the type refuses), the start of a stream's first rebuild.
    ///
    /// The store keeps the latest state of the streams it appended to (up to 100,000 of them, see
    /// [`cache_limit`](Self::cache_limit)); a stream it does not hold is rebuilt from its latest snapshot and the
    /// commits after it, inside the append's transaction. Writing a snapshot every few commits
    /// ([`snapshot_every`](Self::snapshot_every)) bounds that rebuild.
    #[must_use]
    pub fn with_deadlines(mut self, new: fn(Uuid) -> Option<A>, deadline: fn(&A) -> Option<DateTime<Utc>>) -> Self {
        self.tracking = Some(Tracking::new(new, deadline));
        self
    }

    /// With deadlines on, also writes a snapshot in the transaction of every commit whose version is a multiple
    /// of `every` (0: never). Without deadlines the store does not hold states: call
    /// [`save_snapshot`](Self::save_snapshot).
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
    /// [`StoreError::Sqlite`]; [`RowError::Corrupt`] for a negative version.
    pub fn version(&self, stream: Uuid) -> Result<u64, StoreError> {
        let head: Option<i64> = self
            .db
            .connection()
            .prepare_cached("SELECT version FROM streams WHERE kind = ?1 AND stream = ?2")?
            .query_row(params![self.kind, stream.as_bytes().as_slice()], |r| r.get(0))
            .optional()?;
        Ok(head.map_or(Ok(0), |v| version_from_sql("streams", self.kind, stream, v))?)
    }

    /// The streams due at or before `now`, earliest first, at most `limit` of them: what a scheduler wakes.
    /// Read from the index on `(kind, due_at)`: the cost grows with the streams returned, not with all streams.
    ///
    /// Empty unless the store keeps deadlines ([`with_deadlines`](Self::with_deadlines)).
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`]; [`RowError::Corrupt`] for a row that does not decode.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.db.connection().prepare_cached(
            "SELECT stream, due_at, version FROM streams
             WHERE kind = ?1 AND due_at IS NOT NULL AND due_at <= ?2 ORDER BY due_at, stream LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![self.kind, to_micros_ceil(now), limit], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (stream, due_at, version) = row?;
            let stream = self.stream_from_sql("streams", &stream)?;
            let corrupt = |detail: String| RowError::Corrupt {
                table: "streams",
                kind: self.kind.to_owned(),
                stream,
                version: u64::try_from(version).unwrap_or(0),
                detail,
            };
            let due_at = from_micros(due_at).ok_or_else(|| corrupt(format!("due_at {due_at} out of range")))?;
            let version = version_from_sql("streams", self.kind, stream, version)?;
            due.push(Due { stream, due_at, version });
        }
        Ok(due)
    }

    /// The earliest deadline of any stream of this kind: when the scheduler should wake next.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`]; [`RowError::Corrupt`] for a value out of range.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let micros: Option<i64> = self.db.connection().query_row(
            "SELECT MIN(due_at) FROM streams WHERE kind = ?1 AND due_at IS NOT NULL",
            params![self.kind],
            |r| r.get(0),
        )?;
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

    fn stream_from_sql(&self, table: &'static str, bytes: &[u8]) -> Result<Uuid, StoreError> {
        Ok(Uuid::from_slice(bytes).map_err(|e| RowError::Corrupt {
            table,
            kind: self.kind.to_owned(),
            stream: Uuid::nil(),
            version: 0,
            detail: format!("stream id: {e}"),
        })?)
    }
}

impl<A> SqliteStore<A>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    /// Saves `state` as its stream's snapshot (at `state.version()`), replacing an older one; a newer stored
    /// snapshot is kept.
    ///
    /// # Errors
    ///
    /// [`RowError::Encode`] when the state does not serialize; [`StoreError::Sqlite`].
    pub fn save_snapshot(&self, state: &A) -> Result<(), StoreError> {
        write_snapshot(self.db.connection(), self.kind, state)
    }

    /// The stream's latest snapshot, if any.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] when it does not decode or belongs to another stream; [`StoreError::Sqlite`].
    pub fn load_snapshot(&self, stream: Uuid) -> Result<Option<A>, StoreError> {
        read_snapshot(self.db.connection(), self.kind, stream, u64::MAX)
    }

    /// `initial` (a new aggregate or a cached state) brought to the end of its stream: from the stream's snapshot
    /// when it is newer than `initial`, then the commits after it.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] for a row that does not decode, [`RowError::Rebuild`] for commits out of order,
    /// [`StoreError::Sqlite`].
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
        let key = stream.as_bytes().as_slice();
        let tx = Transaction::new_unchecked(self.db.connection(), TransactionBehavior::Immediate)?;
        let head: Option<i64> = tx
            .prepare_cached("SELECT version FROM streams WHERE kind = ?1 AND stream = ?2")?
            .query_row(params![kind, key], |r| r.get(0))
            .optional()?;
        let actual = head.map_or(Ok(0), |v| version_from_sql("streams", kind, stream, v))?;
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
            if let Some(effects) = self.effects {
                for (seq, effect) in effects(commit).iter().enumerate() {
                    let effect = encode("effect", kind, stream, effect)?;
                    tx.prepare_cached(
                        "INSERT INTO outbox (kind, stream, version, seq, effect) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![
                        kind,
                        key,
                        version,
                        i64::try_from(seq).unwrap_or(i64::MAX),
                        effect
                    ])?;
                }
            }
        }
        let mut after = None;
        let mut due_at = None;
        if let Some(tracking) = &mut self.tracking {
            let mut state = match tracking.take(stream, expected) {
                Some(cached) => cached,
                None => state_at(&tx, kind, stream, expected, tracking)?,
            };
            let advanced = tracking.advance(&mut state, commits);
            if advanced.snapshot {
                write_snapshot(&tx, kind, &state)?;
            }
            due_at = advanced.due_at;
            after = Some(state);
        }
        tx.prepare_cached(
            "INSERT INTO streams (kind, stream, version, due_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, due_at = excluded.due_at",
        )?
        .execute(params![kind, key, version_to_sql(kind, stream, last.version)?, due_at])?;
        tx.commit()?;
        if let (Some(tracking), Some(state)) = (&mut self.tracking, after) {
            tracking.keep(state);
        }
        Ok(Ok(()))
    }
}

/// The state of `stream` at `version`: its latest snapshot at or before `version` (else the empty aggregate),
/// then the commits after it.
fn state_at<A>(
    tx: &Transaction<'_>,
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
    let base = match read_snapshot(tx, kind, stream, version)? {
        Some(snapshot) => snapshot,
        None => tracking.empty(kind, stream)?,
    };
    let tail = read_commits::<A>(tx, kind, stream, base.version(), version)?;
    Ok(rebuild(kind, base, &tail)?)
}

/// The commits of `stream` with `after < version <= until`, in order.
pub(crate) fn read_commits<A>(
    conn: &rusqlite::Connection,
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
    let mut stmt = conn.prepare_cached(
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

/// The latest snapshot of `stream` at or before `until`.
fn read_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
    conn: &rusqlite::Connection,
    kind: &str,
    stream: Uuid,
    until: u64,
) -> Result<Option<A>, StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT version, state FROM snapshots WHERE kind = ?1 AND stream = ?2 AND version <= ?3")?
        .query_row(params![kind, stream.as_bytes().as_slice(), i64::try_from(until).unwrap_or(i64::MAX)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((version, state)) = row else { return Ok(None) };
    Ok(decode_snapshot(kind, stream, version, &state)?)
}

/// Writes `state` as its stream's snapshot unless a newer one is stored (one statement: on its own, or inside the
/// caller's transaction).
fn write_snapshot<A: Aggregate + Serialize>(
    conn: &rusqlite::Connection,
    kind: &str,
    state: &A,
) -> Result<(), StoreError> {
    let stream = state.stream_id();
    let json = encode("snapshot", kind, stream, state)?;
    conn.prepare_cached(
        "INSERT INTO snapshots (kind, stream, version, state) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, state = excluded.state
         WHERE excluded.version > snapshots.version",
    )?
    .execute(params![kind, stream.as_bytes().as_slice(), version_to_sql(kind, stream, state.version())?, json])?;
    Ok(())
}

impl<A> CommitStore<A::Command, A::Event> for SqliteStore<A>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    type Error = StoreError;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<CommitOf<A>>, StoreError> {
        read_commits::<A>(self.db.connection(), self.kind, stream, after_version, u64::MAX)
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
        let row: Option<(i64, String)> = self
            .db
            .connection()
            .prepare_cached("SELECT version, body FROM commits WHERE kind = ?1 AND stream = ?2 AND command_id = ?3")?
            .query_row(
                params![self.kind, stream.as_bytes().as_slice(), command_id.as_uuid().as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(version, body)| decode_commit::<A>(self.kind, stream, version, &body)).transpose()?)
    }
}
