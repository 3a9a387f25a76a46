//! The PostgreSQL [`Engine`] (blocking): the functions of [`sql`] over the connection, each run to its end at once.

use std::cell::RefCell;
use std::collections::BTreeMap;

use customer_care::host::AppendError;
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::{CommitOf, Engine, Options, OutboxEntry, OutboxKey, Rows as _, Store, blocking};
use postgres::{GenericClient, Row, Statement};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;
use crate::sql::{self, Exec, Params, Via};

/// The streams of one aggregate type `A` in a [`Database`], under the kind name given to [`Database::store`].
///
/// - [`CommitStore`](customer_care::host::CommitStore): append with the expected version (checked under a row
///   lock on the stream inside the transaction), unique `(stream, version)` and `(stream, command id)`, load after
///   a version, find a command. Passes [`check_store`](customer_care::host::conformance::check_store).
/// - Snapshots: [`save_snapshot`](Store::save_snapshot), [`load_state`](Store::load_state).
/// - The outbox: [`with_effects`](Store::with_effects); drain with [`Database::outbox`].
/// - Deadlines: [`with_deadlines`](Store::with_deadlines) and [`due`](Store::due).
///
/// An append is one transaction: the commits, their effects, the stream's head version and deadline, and a
/// snapshot when due are all written, or none is (a connection killed mid-append leaves nothing of it).
pub type PostgresStore<A> = Store<A, Database>;

/// A blocking connection or transaction, with the connection's statement cache.
pub(crate) struct SyncExec<'a, C> {
    client: &'a mut C,
    statements: &'a RefCell<BTreeMap<&'static str, Statement>>,
}

impl<'a, C: GenericClient> SyncExec<'a, C> {
    pub(crate) const fn new(client: &'a mut C, statements: &'a RefCell<BTreeMap<&'static str, Statement>>) -> Self {
        Self { client, statements }
    }
}

impl<C: GenericClient> Exec for SyncExec<'_, C> {
    async fn prepare(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.try_borrow().map_err(|_| StoreError::Busy)?.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.try_borrow_mut().map_err(|_| StoreError::Busy)?.insert(sql, statement.clone());
        Ok(statement)
    }

    async fn execute(&mut self, statement: &Statement, params: &Params<'_>) -> Result<u64, StoreError> {
        Ok(self.client.execute(statement, params)?)
    }

    async fn query(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Vec<Row>, StoreError> {
        Ok(self.client.query(statement, params)?)
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql)?)
    }
}

impl Engine for Database {
    type Error = StoreError;

    fn version(&self, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
        self.with(|e| blocking(sql::version(e, kind, stream)))
    }

    fn read_commits<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        self.with(|e| blocking(Via(e).commits_between::<A>(kind, stream, after, u64::MAX)))
    }

    fn find_command<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<Commit<A::Command, A::Event>>, StoreError> {
        self.with(|e| blocking(sql::find_command::<_, A>(e, kind, stream, command_id)))
    }

    fn append<A: Aggregate + Upcast + Serialize + DeserializeOwned>(
        &self,
        kind: &'static str,
        options: &mut Options<A>,
        stream: Uuid,
        expected: u64,
        commits: &[CommitOf<A>],
    ) -> Result<Result<(), AppendError<StoreError>>, StoreError>
    where
        A::Command: Serialize + DeserializeOwned,
        A::Event: Serialize + DeserializeOwned,
    {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let mut exec = SyncExec::new(&mut tx, self.statements());
        let tracked = match blocking(sql::append_in(&mut exec, kind, options, stream, expected, commits))? {
            Ok(tracked) => tracked,
            Err(refused) => return Ok(Err(refused)),
        };
        tx.commit()?;
        drop(client);
        options.keep(tracked);
        Ok(Ok(()))
    }

    fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), StoreError> {
        self.with(|e| blocking(Via(e).put_snapshot(kind, state)))
    }

    fn load_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, StoreError> {
        self.with(|e| blocking(Via(e).snapshot_at(kind, stream, u64::MAX)))
    }

    fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
        self.with(|e| blocking(sql::due_rows(e, kind, until, limit)))
    }

    fn min_due(&self, kind: &str) -> Result<Option<i64>, StoreError> {
        self.with(|e| blocking(sql::min_due(e, kind)))
    }

    fn scalar(&self, sql: &'static str) -> Result<i64, StoreError> {
        self.with(|e| blocking(sql::scalar(e, sql)))
    }

    fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        self.with(|e| blocking(sql::pending(e, limit)))
    }

    fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
        self.with(|e| blocking(sql::mark_done(e, key, at)))
    }

    fn delete_done(&self, before: i64) -> Result<u64, StoreError> {
        self.with(|e| blocking(sql::delete_done(e, before)))
    }
}
