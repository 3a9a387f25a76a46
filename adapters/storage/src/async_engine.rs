//! The async twin of [`Engine`](crate::Engine): what an async adapter implements (PostgreSQL on
//! `tokio-postgres`), and the [`Store`] and [`Outbox`] calls over it, awaited.

use chrono::{DateTime, Utc};
use customer_care::host::AppendError;
use customer_care::host::async_store::AsyncCommitStore;
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::codec::rebuild;
use crate::engine::{CommitOf, Options, Store, due_from_row, micros_to_due};
use crate::error::RowError;
use crate::outbox::{Drained, Draining, Outbox, OutboxEntry, OutboxKey};
use crate::schedule::{Due, to_micros_ceil};

/// One connection to one database, driven asynchronously: the same statements as [`Engine`](crate::Engine)'s,
/// each a future (see there for each method's contract).
#[allow(async_fn_in_trait, reason = "implemented by the adapters; the concrete futures keep their Send-ness")]
pub trait AsyncEngine: Clone {
    /// The adapter's error.
    type Error: std::error::Error + From<RowError> + 'static;

    /// The head version of `kind`/`stream` (0 for none).
    async fn version(&self, kind: &str, stream: Uuid) -> Result<u64, Self::Error>;

    /// The commits with `version > after`, in order.
    async fn read_commits<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<CommitOf<A>>, Self::Error>;

    /// The commit of `command_id` in the stream.
    async fn find_command<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<CommitOf<A>>, Self::Error>;

    /// The append in one transaction; the outer error is the engine's, the inner one a refusal of the contract.
    async fn append<A: Aggregate + Upcast + Serialize + DeserializeOwned>(
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
    async fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), Self::Error>;

    /// The stream's latest snapshot.
    async fn load_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, Self::Error>;

    /// `(stream, due_at, version)` of the streams due at or before `until`, earliest first, at most `limit`.
    async fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, Self::Error>;

    /// The least `due_at` of `kind`.
    async fn min_due(&self, kind: &str) -> Result<Option<i64>, Self::Error>;

    /// One integer from a statement without parameters.
    async fn scalar(&self, sql: &'static str) -> Result<i64, Self::Error>;

    /// Up to `limit` pending outbox entries, by position.
    async fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, Self::Error>;

    /// Sets `done_at` of the pending entry `key`; whether it was pending.
    async fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, Self::Error>;

    /// Deletes done entries with `done_at < before`; how many.
    async fn delete_done(&self, before: i64) -> Result<u64, Self::Error>;
}

impl<A, D> AsyncCommitStore<A::Command, A::Event> for Store<A, D>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
    D: AsyncEngine,
{
    type Error = D::Error;

    async fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<CommitOf<A>>, D::Error> {
        self.database().read_commits::<A>(self.kind(), stream, after_version).await
    }

    async fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[CommitOf<A>],
    ) -> Result<(), AppendError<D::Error>> {
        let (db, kind, options) = self.parts();
        db.append(kind, options, stream, expected_version, commits).await.unwrap_or_else(|e| Err(AppendError::Store(e)))
    }

    async fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<CommitOf<A>>, D::Error> {
        self.database().find_command::<A>(self.kind(), stream, command_id).await
    }
}

/// The reads and snapshots of a [`Store`] over an [`AsyncEngine`]: its blocking methods' twins (same names,
/// same contracts), awaited. `use` this trait to call them.
#[allow(async_fn_in_trait, reason = "implemented here only, for Store; the futures keep their Send-ness")]
pub trait AsyncStore<A: Aggregate> {
    /// The engine's error.
    type Error;

    /// The stream's head version (0 for a stream without commits).
    async fn version(&self, stream: Uuid) -> Result<u64, Self::Error>;

    /// The streams due at or before `now`, earliest first, at most `limit` of them.
    async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, Self::Error>;

    /// The earliest deadline of any stream of this kind.
    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, Self::Error>;

    /// Saves `state` as its stream's snapshot; a newer stored snapshot is kept.
    async fn save_snapshot(&self, state: &A) -> Result<(), Self::Error>;

    /// The stream's latest snapshot, if any.
    async fn load_snapshot(&self, stream: Uuid) -> Result<Option<A>, Self::Error>;

    /// `initial` brought to the end of its stream: from the snapshot when newer, then the commits after it.
    async fn load_state(&self, initial: A) -> Result<A, Self::Error>;
}

impl<A, D> AsyncStore<A> for Store<A, D>
where
    A: Aggregate + Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
    D: AsyncEngine,
{
    type Error = D::Error;

    async fn version(&self, stream: Uuid) -> Result<u64, D::Error> {
        self.database().version(self.kind(), stream).await
    }

    async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, D::Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.database().due_rows(self.kind(), to_micros_ceil(now), limit).await?;
        rows.into_iter().map(|row| Ok(due_from_row(self.kind(), row)?)).collect()
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, D::Error> {
        let min = self.database().min_due(self.kind()).await?;
        Ok(min.map(|m| micros_to_due(self.kind(), Uuid::nil(), 0, m)).transpose()?)
    }

    async fn save_snapshot(&self, state: &A) -> Result<(), D::Error> {
        self.database().save_snapshot(self.kind(), state).await
    }

    async fn load_snapshot(&self, stream: Uuid) -> Result<Option<A>, D::Error> {
        self.database().load_snapshot(self.kind(), stream).await
    }

    async fn load_state(&self, initial: A) -> Result<A, D::Error> {
        let stream = initial.stream_id();
        let base = match AsyncStore::load_snapshot(self, stream).await? {
            Some(snapshot) if snapshot.version() > initial.version() => snapshot,
            _ => initial,
        };
        let tail = self.database().read_commits::<A>(self.kind(), stream, base.version()).await?;
        Ok(rebuild(self.kind(), base, &tail)?)
    }
}

/// The [`Outbox`] over an [`AsyncEngine`]: its blocking methods' twins, awaited. `use` this trait to call them.
#[allow(async_fn_in_trait, reason = "implemented here only, for Outbox; the futures keep their Send-ness")]
pub trait AsyncOutbox {
    /// The engine's error.
    type Error;

    /// Up to `limit` pending entries, oldest first.
    async fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, Self::Error>;

    /// Marks an entry delivered at `at`; `false` when it was not pending.
    async fn mark_done(&self, key: &OutboxKey, at: DateTime<Utc>) -> Result<bool, Self::Error>;

    /// Hands up to `limit` pending entries to `deliver`, oldest first, marking each delivered one at once; a
    /// refusal holds back the rest of its stream until the next drain.
    async fn drain<M: std::fmt::Display>(
        &self,
        limit: usize,
        at: DateTime<Utc>,
        deliver: impl AsyncFnMut(&OutboxEntry) -> Result<(), M>,
    ) -> Result<Drained, Self::Error>;

    /// How many entries are pending.
    async fn pending_count(&self) -> Result<u64, Self::Error>;

    /// Deletes the entries marked done before `before`; never a pending one.
    async fn delete_done(&self, before: DateTime<Utc>) -> Result<u64, Self::Error>;
}

impl<D: AsyncEngine> AsyncOutbox for Outbox<D> {
    type Error = D::Error;

    async fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, D::Error> {
        self.database().pending(i64::try_from(limit).unwrap_or(i64::MAX)).await
    }

    async fn mark_done(&self, key: &OutboxKey, at: DateTime<Utc>) -> Result<bool, D::Error> {
        self.database().mark_done(key, to_micros_ceil(at)).await
    }

    async fn drain<M: std::fmt::Display>(
        &self,
        limit: usize,
        at: DateTime<Utc>,
        mut deliver: impl AsyncFnMut(&OutboxEntry) -> Result<(), M>,
    ) -> Result<Drained, D::Error> {
        let mut drain = Draining::default();
        for entry in AsyncOutbox::pending(self, limit).await? {
            if drain.admits(&entry) {
                let delivered = deliver(&entry).await;
                if drain.delivered(entry, delivered) {
                    AsyncOutbox::mark_done(self, drain.last(), at).await?;
                }
            }
        }
        Ok(drain.finish())
    }

    async fn pending_count(&self) -> Result<u64, D::Error> {
        let n = self.database().scalar("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL").await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn delete_done(&self, before: DateTime<Utc>) -> Result<u64, D::Error> {
        self.database().delete_done(to_micros_ceil(before)).await
    }
}
