//! What an adapter implements for its database (the [`Engine`]), and what every adapter's store is on top of it
//! ([`Store`]): the builder, snapshots, deadlines and the [`CommitStore`] glue, written once.

use std::fmt;

use chrono::{DateTime, Utc};
use customer_care::host::{AppendError, CommitStore};
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::codec::rebuild;
use crate::error::{RowError, version_from_sql};
use crate::outbox::OutboxEntry;
use crate::schedule::{Due, from_micros, to_micros_ceil};
use crate::tracking::Tracking;

/// A commit of aggregate `A`.
pub type CommitOf<A> = Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>;

/// The effects a commit asks the host to deliver (e-receipts, care messages) as JSON documents, written to the
/// outbox in the commit's transaction.
pub type Effects<A> = fn(&CommitOf<A>) -> Vec<serde_json::Value>;

/// What an append writes beside its commits: the effects (see [`Store::with_effects`]) and the deadline tracking
/// (see [`Store::with_deadlines`]). The engine's [`append`](Engine::append) reads them.
pub struct Options<A: Aggregate> {
    /// Effects written to the outbox with each commit.
    pub effects: Option<Effects<A>>,
    /// The deadline (and snapshot) kept with each commit.
    pub tracking: Option<Tracking<A>>,
}

impl<A: Aggregate> Default for Options<A> {
    fn default() -> Self {
        Self { effects: None, tracking: None }
    }
}

impl<A: Aggregate> fmt::Debug for Options<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options").field("effects", &self.effects.is_some()).field("tracking", &self.tracking).finish()
    }
}

/// The reads and the write the deadline tracking does inside an append's transaction
/// ([`Options::track`]). `async` so that one tracking serves blocking and async engines: a blocking engine's
/// futures are ready when first polled ([`blocking`]).
#[allow(async_fn_in_trait, reason = "implemented by the adapters, awaited only by Options::track")]
pub trait Rows {
    /// The engine's error.
    type Error: From<RowError>;

    /// The stream's latest snapshot at or before `until`.
    async fn snapshot_at<A: Aggregate + Upcast + DeserializeOwned>(
        &mut self,
        kind: &str,
        stream: Uuid,
        until: u64,
    ) -> Result<Option<A>, Self::Error>;

    /// The commits with `after < version <= until`, in order.
    async fn commits_between<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &mut self,
        kind: &str,
        stream: Uuid,
        after: u64,
        until: u64,
    ) -> Result<Vec<CommitOf<A>>, Self::Error>;

    /// Writes `state` as its stream's snapshot unless a newer one is stored.
    async fn put_snapshot<A: Aggregate + Serialize>(&mut self, kind: &str, state: &A) -> Result<(), Self::Error>;
}

/// What the tracking of one append gives: the deadline to store with the head, and the state to keep once the
/// transaction commits ([`Options::keep`]).
#[derive(Debug)]
pub struct Tracked<A> {
    /// The stream's next deadline, microseconds rounded up (`None`: no deadline, or no tracking).
    pub due_at: Option<i64>,
    state: Option<A>,
}

impl<A> Default for Tracked<A> {
    /// Nothing tracked: no deadline, no state to keep.
    fn default() -> Self {
        Self { due_at: None, state: None }
    }
}

impl<A: Aggregate> Options<A> {
    /// The deadline tracking of an append, inside its transaction: the stream's state at `expected` (cached, or
    /// rebuilt from the latest snapshot at or before it and the commits after), `commits` applied, a snapshot
    /// written through `rows` when one is due.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Rebuild`] or [`RowError::Corrupt`] when the stream cannot be rebuilt.
    pub async fn track<R: Rows>(
        &mut self,
        rows: &mut R,
        kind: &str,
        stream: Uuid,
        expected: u64,
        commits: &[CommitOf<A>],
    ) -> Result<Tracked<A>, R::Error>
    where
        A: Upcast + Serialize + DeserializeOwned,
        A::Command: DeserializeOwned,
        A::Event: DeserializeOwned,
    {
        let Some(tracking) = &mut self.tracking else { return Ok(Tracked::default()) };
        let mut state = match tracking.take(stream, expected) {
            Some(cached) => cached,
            None => {
                let base = match rows.snapshot_at(kind, stream, expected).await? {
                    Some(snapshot) => snapshot,
                    None => tracking.empty(kind, stream)?,
                };
                let tail = rows.commits_between::<A>(kind, stream, base.version(), expected).await?;
                rebuild(kind, base, &tail)?
            }
        };
        let advanced = tracking.advance(&mut state, commits);
        if advanced.snapshot {
            rows.put_snapshot(kind, &state).await?;
        }
        Ok(Tracked { due_at: advanced.due_at, state: Some(state) })
    }

    /// Keeps the tracked state once its append is committed.
    pub fn keep(&mut self, tracked: Tracked<A>) {
        if let (Some(tracking), Some(state)) = (&mut self.tracking, tracked.state) {
            tracking.keep(state);
        }
    }
}

/// The output of a blocking engine's future: its [`Rows`] calls, and [`Options::track`] over them, return when
/// first polled, so a blocking adapter runs them without a runtime.
///
/// # Errors
///
/// The future's; [`RowError::Pending`] if it waits (an async engine's: await it instead).
pub fn blocking<T, E: From<RowError>>(future: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => Err(RowError::Pending.into()),
    }
}

/// One connection to one database, as an adapter drives it: the statements of the schema every adapter shares
/// (`streams`, `commits`, `snapshots`, `outbox`, see the adapters' `migrations/`). Rows are keyed by
/// `(kind, stream)`; instants are microseconds since the epoch ([`to_micros_ceil`]).
pub trait Engine: Clone + fmt::Debug {
    /// The adapter's error.
    type Error: std::error::Error + From<RowError> + 'static;

    /// The head version of `kind`/`stream` (0 for none).
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a negative version.
    fn version(&self, kind: &str, stream: Uuid) -> Result<u64, Self::Error>;

    /// The commits with `version > after`, in order.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a row that does not decode.
    fn read_commits<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<CommitOf<A>>, Self::Error>;

    /// The commit of `command_id` in the stream.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a row that does not decode.
    fn find_command<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<CommitOf<A>>, Self::Error>;

    /// The append in one transaction (see [`CommitStore::append`]): the commits, their effects, the head, the
    /// deadline and a due snapshot. The outer error is the engine's; the inner one a refusal of the contract.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError`] for a batch out of order, a value that does not encode, a failed rebuild.
    fn append<A: Aggregate + Upcast + Serialize + DeserializeOwned>(
        &self,
        kind: &'static str,
        options: &mut Options<A>,
        stream: Uuid,
        expected: u64,
        commits: &[CommitOf<A>],
    ) -> Result<Result<(), AppendError<Self::Error>>, Self::Error>
    where
        A::Command: Serialize + DeserializeOwned,
        A::Event: Serialize + DeserializeOwned;

    /// Writes `state` as its stream's snapshot unless a newer one is stored.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Encode`].
    fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), Self::Error>;

    /// The stream's latest snapshot.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`].
    fn load_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, Self::Error>;

    /// `(stream, due_at, version)` of the streams of `kind` with `due_at <= until`, ordered by `(due_at, stream)`,
    /// at most `limit`, from the index on `(kind, due_at)`.
    ///
    /// # Errors
    ///
    /// The engine's.
    fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, Self::Error>;

    /// The least `due_at` of `kind`.
    ///
    /// # Errors
    ///
    /// The engine's.
    fn min_due(&self, kind: &str) -> Result<Option<i64>, Self::Error>;

    /// One integer from a statement without parameters (the counts).
    ///
    /// # Errors
    ///
    /// The engine's.
    fn scalar(&self, sql: &'static str) -> Result<i64, Self::Error>;

    /// Up to `limit` pending outbox entries, by position.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`].
    fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, Self::Error>;

    /// Sets `done_at` of the pending entry `key`; whether it was pending.
    ///
    /// # Errors
    ///
    /// The engine's.
    fn mark_done(&self, key: &crate::OutboxKey, at: i64) -> Result<bool, Self::Error>;

    /// Deletes done entries with `done_at < before`; how many.
    ///
    /// # Errors
    ///
    /// The engine's.
    fn delete_done(&self, before: i64) -> Result<u64, Self::Error>;

    /// Rows in one of the shared tables (`streams`, `commits`, `snapshots`, `outbox`).
    ///
    /// # Errors
    ///
    /// [`RowError::UnknownTable`] for another name; the engine's.
    fn count(&self, table: &str) -> Result<u64, Self::Error> {
        Ok(u64::try_from(self.scalar(count_sql(table)?)?).unwrap_or(0))
    }
}

/// The statement counting the rows of one of the shared tables (`streams`, `commits`, `snapshots`, `outbox`).
///
/// # Errors
///
/// [`RowError::UnknownTable`] for another name.
pub fn count_sql(table: &str) -> Result<&'static str, RowError> {
    match table {
        "streams" => Ok("SELECT COUNT(*) FROM streams"),
        "commits" => Ok("SELECT COUNT(*) FROM commits"),
        "snapshots" => Ok("SELECT COUNT(*) FROM snapshots"),
        "outbox" => Ok("SELECT COUNT(*) FROM outbox"),
        other => Err(RowError::UnknownTable(other.to_owned())),
    }
}

/// The streams of one aggregate type `A` in a database `D`, under a **kind** name (`"customer"`, `"points"`):
/// every row is keyed by `(kind, stream)`. The adapters name it `SqliteStore<A>` and `PostgresStore<A>`.
///
/// - [`CommitStore`]: append with the expected version (checked inside the append's transaction), unique
///   `(stream, version)` and `(stream, command id)`, load after a version, find a command. Passes
///   [`customer_care::host::conformance::check_store`].
/// - Snapshots: [`save_snapshot`](Self::save_snapshot), [`load_state`](Self::load_state) (the snapshot plus
///   the commits after it).
/// - The outbox: [`with_effects`](Self::with_effects) writes each commit's effects in its transaction; drain
///   them with [`Outbox`](crate::Outbox).
/// - Deadlines: [`with_deadlines`](Self::with_deadlines) stores the stream's `next_deadline()` with each commit;
///   [`due`](Self::due) lists the streams due at or before a time, from an index.
///
/// An append is one transaction: the commits, their effects, the stream's head version and deadline, and a
/// snapshot when one is due are all written, or none is.
pub struct Store<A: Aggregate, D> {
    db: D,
    kind: &'static str,
    options: Options<A>,
}

impl<A: Aggregate, D: fmt::Debug> fmt::Debug for Store<A, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("db", &self.db)
            .field("kind", &self.kind)
            .field("effects", &self.options.effects.is_some())
            .field("deadlines", &self.options.tracking.is_some())
            .finish()
    }
}

impl<A: Aggregate, D> Store<A, D> {
    /// The streams of `A` under `kind` in `db` (the adapters' `Database::store`).
    pub fn new(db: D, kind: &'static str) -> Self {
        Self { db, kind, options: Options::default() }
    }

    /// The database, the kind and the options, for an engine's append.
    pub(crate) const fn parts(&mut self) -> (&D, &'static str, &mut Options<A>) {
        (&self.db, self.kind, &mut self.options)
    }

    /// The kind name the streams are stored under.
    pub const fn kind(&self) -> &'static str {
        self.kind
    }

    /// The database.
    pub const fn database(&self) -> &D {
        &self.db
    }

    /// Writes `effects(commit)` to the outbox in the transaction of every appended commit.
    #[must_use]
    pub fn with_effects(mut self, effects: Effects<A>) -> Self {
        self.options.effects = Some(effects);
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
        self.options.tracking = Some(Tracking::new(new, deadline));
        self
    }

    /// With deadlines on, also writes a snapshot in the transaction of every commit whose version is a multiple
    /// of `every` (0: never). Without deadlines the store does not hold states: call
    /// [`save_snapshot`](Self::save_snapshot).
    #[must_use]
    pub fn snapshot_every(mut self, every: u64) -> Self {
        if let Some(tracking) = &mut self.options.tracking {
            tracking.set_snapshot_every(every);
        }
        self
    }

    /// How many streams' states the deadline tracking keeps in memory (when full, it starts again empty).
    #[must_use]
    pub fn cache_limit(mut self, streams: usize) -> Self {
        if let Some(tracking) = &mut self.options.tracking {
            tracking.set_cache_limit(streams);
        }
        self
    }
}

impl<A: Aggregate, D: Engine> Store<A, D> {
    /// The stream's head version (0 for a stream without commits).
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a negative version.
    pub fn version(&self, stream: Uuid) -> Result<u64, D::Error> {
        self.db.version(self.kind, stream)
    }

    /// The streams due at or before `now`, earliest first, at most `limit` of them: what a scheduler wakes.
    /// Read from the index on `(kind, due_at)`: the cost grows with the streams returned, not with all streams.
    ///
    /// Empty unless the store keeps deadlines ([`with_deadlines`](Self::with_deadlines)).
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a row that does not decode.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, D::Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.db.due_rows(self.kind, to_micros_ceil(now), limit)?;
        rows.into_iter().map(|row| Ok(due_from_row(self.kind, row)?)).collect()
    }

    /// The earliest deadline of any stream of this kind: when the scheduler should wake next.
    ///
    /// # Errors
    ///
    /// The engine's; [`RowError::Corrupt`] for a value out of range.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(self.db.min_due(self.kind)?.map(|m| micros_to_due(self.kind, Uuid::nil(), 0, m)).transpose()?)
    }
}

/// A row of the deadline index.
///
/// # Errors
///
/// [`RowError::Corrupt`] for a value out of range.
pub fn due_from_row(kind: &str, (stream, due_at, version): (Uuid, i64, i64)) -> Result<Due, RowError> {
    let due_at = micros_to_due(kind, stream, version, due_at)?;
    Ok(Due { stream, due_at, version: version_from_sql("streams", kind, stream, version)? })
}

pub(crate) fn micros_to_due(kind: &str, stream: Uuid, version: i64, micros: i64) -> Result<DateTime<Utc>, RowError> {
    from_micros(micros).ok_or_else(|| RowError::Corrupt {
        table: "streams",
        kind: kind.to_owned(),
        stream,
        version: u64::try_from(version).unwrap_or(0),
        detail: format!("due_at {micros} out of range"),
    })
}

impl<A, D> Store<A, D>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
    D: Engine,
{
    /// Saves `state` as its stream's snapshot (at `state.version()`), replacing an older one; a newer stored
    /// snapshot is kept.
    ///
    /// # Errors
    ///
    /// [`RowError::Encode`] when the state does not serialize; the engine's.
    pub fn save_snapshot(&self, state: &A) -> Result<(), D::Error> {
        self.db.save_snapshot(self.kind, state)
    }

    /// The stream's latest snapshot, if any.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] when it does not decode or belongs to another stream; the engine's.
    pub fn load_snapshot(&self, stream: Uuid) -> Result<Option<A>, D::Error> {
        self.db.load_snapshot(self.kind, stream)
    }

    /// `initial` (a new aggregate or a cached state) brought to the end of its stream: from the stream's snapshot
    /// when it is newer than `initial`, then the commits after it.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] for a row that does not decode, [`RowError::Rebuild`] for commits out of order, the
    /// engine's.
    pub fn load_state(&self, initial: A) -> Result<A, D::Error> {
        let stream = initial.stream_id();
        let base = match self.load_snapshot(stream)? {
            Some(snapshot) if snapshot.version() > initial.version() => snapshot,
            _ => initial,
        };
        let tail = self.db.read_commits::<A>(self.kind, stream, base.version())?;
        Ok(rebuild(self.kind, base, &tail)?)
    }
}

impl<A, D> CommitStore<A::Command, A::Event> for Store<A, D>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
    D: Engine,
{
    type Error = D::Error;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<CommitOf<A>>, D::Error> {
        self.db.read_commits::<A>(self.kind, stream, after_version)
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[CommitOf<A>],
    ) -> Result<(), AppendError<D::Error>> {
        self.db
            .append(self.kind, &mut self.options, stream, expected_version, commits)
            .unwrap_or_else(|e| Err(AppendError::Store(e)))
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<CommitOf<A>>, D::Error> {
        self.db.find_command::<A>(self.kind, stream, command_id)
    }
}
