//! The PostgreSQL [`Engine`] (blocking): the statements behind [`PostgresStore`] and the outbox.

use customer_care::host::AppendError;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::codec::{check_batch, decode_commit};
use customer_care_storage::{
    CommitOf, Engine, OutboxEntry, OutboxKey, Rows as _, Store, blocking, version_from_sql, version_to_sql,
};
use postgres::GenericClient;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;
use crate::sql;

/// The streams of one aggregate type `A` in a [`Database`], under the kind name given to [`Database::store`].
///
/// - [`CommitStore`](customer_care::host::CommitStore): append with the expected version (checked under a row lock on the stream inside the
///   transaction), unique `(stream, version)` and `(stream, command id)`, load after a version, find a command.
///   Passes [`check_store`](customer_care::host::conformance::check_store).
/// - Snapshots: [`save_snapshot`](Store::save_snapshot), [`load_state`](Store::load_state).
/// - The outbox: [`with_effects`](Store::with_effects); drain with [`Database::outbox`].
/// - Deadlines: [`with_deadlines`](Store::with_deadlines) and [`due`](Store::due).
///
/// An append is one transaction: the commits, their effects, the stream's head version and deadline, and a
/// snapshot when due are all written, or none is (a connection killed mid-append leaves nothing of it).
pub type PostgresStore<A> = Store<A, Database>;

impl Engine for Database {
    type Error = StoreError;

    fn version(&self, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
        let row = self.client()?.query_opt(sql::VERSION, &[&kind, &stream])?;
        row.map_or(Ok(0), |r| Ok(version_from_sql("streams", kind, stream, r.try_get(0)?)?))
    }

    fn read_commits<C: DeserializeOwned, E: DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<Commit<C, E>>, StoreError> {
        blocking(Rows(&mut *self.client()?).commits_between(kind, stream, after, u64::MAX))
    }

    fn find_command<C: DeserializeOwned, E: DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<Commit<C, E>>, StoreError> {
        let row = self.client()?.query_opt(sql::FIND_COMMAND, &[&kind, &stream, &command_id.as_uuid()])?;
        row.map(|row| Ok(decode_commit(kind, stream, row.try_get(0)?, row.try_get(1)?)?)).transpose()
    }

    fn append<A: Aggregate + Serialize + DeserializeOwned>(
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
        let Some(last) = commits.last() else {
            let actual = self.version(kind, stream)?;
            return Ok(sql::empty_append(stream, expected, actual));
        };
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let head_create = self.prepare(&mut tx, sql::HEAD_CREATE)?;
        let head_lock = self.prepare(&mut tx, sql::HEAD_LOCK)?;
        let find_id = self.prepare(&mut tx, sql::FIND_ID)?;
        let insert_commit = self.prepare(&mut tx, sql::INSERT_COMMIT)?;
        let insert_effect = self.prepare(&mut tx, sql::INSERT_EFFECT)?;
        let head_update = self.prepare(&mut tx, sql::HEAD_UPDATE)?;
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
            if let Some(row) = tx.query_opt(&find_id, &[&kind, &stream, &id])? {
                return Ok(Err(sql::duplicate::<A>(kind, stream, commit, row.try_get(0)?)?));
            }
        }
        for (commit, row) in commits.iter().zip(sql::commit_rows::<A>(kind, stream, options.effects, commits)?) {
            tx.execute(&insert_commit, &[&kind, &stream, &row.version, &commit.command.id.as_uuid(), &row.body])?;
            for (seq, effect) in (0i32..).zip(&row.effects) {
                tx.execute(&insert_effect, &[&kind, &stream, &row.version, &seq, effect])?;
            }
        }
        let tracked = blocking(options.track(&mut Rows(&mut tx), kind, stream, expected, commits))?;
        tx.execute(&head_update, &[&kind, &stream, &version_to_sql(kind, stream, last.version)?, &tracked.due_at])?;
        tx.commit()?;
        drop(client);
        options.keep(tracked);
        Ok(Ok(()))
    }

    fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), StoreError> {
        blocking(Rows(&mut *self.client()?).put_snapshot(kind, state))
    }

    fn load_snapshot<A: Aggregate + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, StoreError> {
        blocking(Rows(&mut *self.client()?).snapshot_at(kind, stream, u64::MAX))
    }

    fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
        let rows = self.client()?.query(sql::DUE, &[&kind, &until, &limit])?;
        rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))).collect()
    }

    fn min_due(&self, kind: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.client()?.query_one(sql::MIN_DUE, &[&kind])?.try_get(0)?)
    }

    fn scalar(&self, sql: &'static str) -> Result<i64, StoreError> {
        Ok(self.client()?.query_one(sql, &[])?.try_get(0)?)
    }

    fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = self.client()?.query(sql::PENDING, &[&limit])?;
        rows.iter().map(sql::outbox_entry).collect()
    }

    fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
        let (version, seq) = sql::key_values(key);
        Ok(self.client()?.execute(sql::MARK_DONE, &[&key.kind, &key.stream, &version, &seq, &at])? > 0)
    }

    fn delete_done(&self, before: i64) -> Result<u64, StoreError> {
        Ok(self.client()?.execute(sql::DELETE_DONE, &[&before])?)
    }
}

/// The connection (inside an append's transaction, or on its own) as the store reads and writes streams'
/// commits and snapshots.
struct Rows<'a, T>(&'a mut T);

impl<T: GenericClient> customer_care_storage::Rows for Rows<'_, T> {
    type Error = StoreError;

    async fn snapshot_at<A: Aggregate + DeserializeOwned>(
        &mut self,
        kind: &str,
        stream: Uuid,
        until: u64,
    ) -> Result<Option<A>, StoreError> {
        let row = self.0.query_opt(sql::READ_SNAPSHOT, &[&kind, &stream, &sql::until(until)])?;
        sql::snapshot_from_row(kind, stream, row)
    }

    async fn commits_between<C: DeserializeOwned, E: DeserializeOwned>(
        &mut self,
        kind: &str,
        stream: Uuid,
        after: u64,
        until: u64,
    ) -> Result<Vec<Commit<C, E>>, StoreError> {
        let rows = self.0.query(sql::READ_COMMITS, &[&kind, &stream, &sql::until(after), &sql::until(until)])?;
        sql::commits_from_rows(kind, stream, &rows)
    }

    async fn put_snapshot<A: Aggregate + Serialize>(&mut self, kind: &str, state: &A) -> Result<(), StoreError> {
        let (stream, version, json) = sql::snapshot_row(kind, state)?;
        self.0.execute(sql::WRITE_SNAPSHOT, &[&kind, &stream, &version, &json])?;
        Ok(())
    }
}
