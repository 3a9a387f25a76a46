//! The async adapter (feature `tokio`): the same tables, migrations and SQL as [`Database`](crate::Database),
//! on `tokio-postgres`, for tokio services.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use customer_care::host::AppendError;
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::{AsyncEngine, CommitOf, Options, Outbox, OutboxEntry, OutboxKey, Rows as _, Store};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_postgres::{Client, GenericClient, NoTls, Row, Statement};
use uuid::Uuid;

use crate::error::StoreError;
use crate::sql::{self, Exec, Params, Via};

/// The streams of one aggregate type over an [`AsyncDatabase`]: a [`Store`] whose calls are awaited —
/// [`AsyncCommitStore`](customer_care::host::async_store::AsyncCommitStore) for
/// [`Host::submit_async`](customer_care::host::Host::submit_async), and the reads of
/// [`AsyncStore`](customer_care_storage::AsyncStore) (`use` it). Built as the blocking store is
/// ([`Store::with_deadlines`], [`Store::with_effects`], ...).
pub type AsyncPostgresStore<A> = Store<A, AsyncDatabase>;

/// A PostgreSQL connection on `tokio-postgres`: the async twin of [`Database`](crate::Database), same schema,
/// same migrations, same statements (written once, see the crate's `sql` module).
///
/// One connection, shared by every store made from it; cloning is cheap and the value is `Send + Sync`. Calls
/// take the connection in turn (an async lock), so an append's transaction never interleaves with another call;
/// for parallel appends open several connections (appends to one stream serialize on its row, as with the
/// blocking adapter).
///
/// ```no_run
/// use customer_care::chrono::{DateTime, Utc};
/// use customer_care::host::Host;
/// use customer_care::{AccountId, CommandId, PointsAccount, PointsCommand};
/// use customer_care_postgres::AsyncDatabase;
/// use customer_care_storage::AsyncStore;
///
/// # async fn run(program: customer_care::LoyaltyProgram) -> Result<(), Box<dyn std::error::Error>> {
/// let db = AsyncDatabase::connect("host=localhost user=postgres dbname=care").await?;
/// let points = db
///     .store::<PointsAccount>("points")
///     .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline);
/// let mut host = Host::new(points, || DateTime::<Utc>::UNIX_EPOCH);
/// let mut account = PointsAccount::new(AccountId::from_u128(1)?);
/// host.submit_async(&mut account, &program, CommandId::from_u128(7)?, PointsCommand::ProcessDue).await?;
/// let due = host.store().due(DateTime::<Utc>::UNIX_EPOCH, 500).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncDatabase {
    client: Arc<tokio::sync::Mutex<Client>>,
    statements: Arc<Mutex<BTreeMap<&'static str, Statement>>>,
}

impl fmt::Debug for AsyncDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncDatabase").finish_non_exhaustive()
    }
}

impl AsyncDatabase {
    /// Connects to `url` (without TLS), spawns the connection on the current tokio runtime, and runs the
    /// migrations the database has not had.
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`] when the server cannot be reached; as [`migrate`](Self::migrate).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let db = Self::from_client(spawn(url).await?);
        db.migrate().await?;
        Ok(db)
    }

    /// Connects with every table in `schema` (created if missing; a plain lowercase identifier).
    ///
    /// # Errors
    ///
    /// [`StoreError::Schema`] for another name; as [`connect`](Self::connect).
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let use_schema = sql::use_schema(schema)?;
        let client = spawn(url).await?;
        client.batch_execute(&use_schema).await?;
        let db = Self::from_client(client);
        db.migrate().await?;
        Ok(db)
    }

    /// A database over a client the host connected (TLS, its own pool, its own runtime driving the connection).
    /// Does not migrate: call [`migrate`](Self::migrate).
    pub fn from_client(client: Client) -> Self {
        Self { client: Arc::new(tokio::sync::Mutex::new(client)), statements: Arc::default() }
    }

    /// Runs the migrations the database has not had, in one transaction under an advisory lock.
    ///
    /// # Errors
    ///
    /// [`StoreError::Schema`] for a database migrated by a newer crate; [`StoreError::Postgres`].
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client.lock().await;
        let tx = client.transaction().await?;
        sql::migrate_in(&mut AsyncExec::new(&tx, &self.statements)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many migrations the database has had.
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`].
    pub async fn schema_version(&self) -> Result<u32, StoreError> {
        let client = self.client.lock().await;
        sql::schema_version(&mut AsyncExec::new(&*client, &self.statements)).await
    }

    /// The connection, for the host's own tables (held until the guard is dropped: other calls wait).
    pub async fn client(&self) -> tokio::sync::MutexGuard<'_, Client> {
        self.client.lock().await
    }

    /// The streams of aggregate type `A`, stored under `kind`.
    pub fn store<A: Aggregate>(&self, kind: &'static str) -> AsyncPostgresStore<A> {
        Store::new(self.clone(), kind)
    }

    /// The outbox (`use customer_care_storage::AsyncOutbox` for its calls).
    pub fn outbox(&self) -> Outbox<Self> {
        Outbox::new(self.clone())
    }

    /// Rows in one of this crate's tables (`streams`, `commits`, `snapshots`, `outbox`).
    ///
    /// # Errors
    ///
    /// [`RowError::UnknownTable`](crate::RowError) for another name; [`StoreError::Postgres`].
    pub async fn count(&self, table: &str) -> Result<u64, StoreError> {
        let sql = customer_care_storage::count_sql(table)?;
        Ok(u64::try_from(AsyncEngine::scalar(self, sql).await?).unwrap_or(0))
    }

    async fn exec(&self) -> (tokio::sync::MutexGuard<'_, Client>, &Mutex<BTreeMap<&'static str, Statement>>) {
        (self.client.lock().await, &self.statements)
    }
}

/// Connects and spawns the connection task on the current runtime.
async fn spawn(url: &str) -> Result<Client, StoreError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    // The task ends when the client is dropped or the server goes away; the client then reports `Closed`.
    tokio::spawn(async move { connection.await.ok() });
    Ok(client)
}

/// An async connection or transaction, with the connection's statement cache.
struct AsyncExec<'a, C> {
    client: &'a C,
    statements: &'a Mutex<BTreeMap<&'static str, Statement>>,
}

impl<'a, C> AsyncExec<'a, C> {
    const fn new(client: &'a C, statements: &'a Mutex<BTreeMap<&'static str, Statement>>) -> Self {
        Self { client, statements }
    }
}

impl<C: GenericClient + Sync> Exec for AsyncExec<'_, C> {
    async fn prepare(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        let cached = self.statements.lock().unwrap_or_else(PoisonError::into_inner).get(sql).cloned();
        if let Some(statement) = cached {
            return Ok(statement);
        }
        let statement = self.client.prepare(sql).await?;
        self.statements.lock().unwrap_or_else(PoisonError::into_inner).insert(sql, statement.clone());
        Ok(statement)
    }

    async fn execute(&mut self, statement: &Statement, params: &Params<'_>) -> Result<u64, StoreError> {
        Ok(self.client.execute(statement, params).await?)
    }

    async fn query(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Vec<Row>, StoreError> {
        Ok(self.client.query(statement, params).await?)
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql).await?)
    }
}

/// Runs `$call` (a function of [`sql`] or a [`Via`] read) over the connection, awaited.
macro_rules! over {
    ($db:expr, |$e:ident| $call:expr) => {{
        let (client, statements) = $db.exec().await;
        let $e = &mut AsyncExec::new(&*client, statements);
        $call.await
    }};
}

impl AsyncEngine for AsyncDatabase {
    type Error = StoreError;

    async fn version(&self, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
        over!(self, |e| sql::version(e, kind, stream))
    }

    async fn read_commits<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        over!(self, |e| Via(e).commits_between::<A>(kind, stream, after, u64::MAX))
    }

    async fn find_command<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<Commit<A::Command, A::Event>>, StoreError> {
        over!(self, |e| sql::find_command::<_, A>(e, kind, stream, command_id))
    }

    async fn append<A: Aggregate + Upcast + Serialize + DeserializeOwned>(
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
        let mut client = self.client.lock().await;
        let tx = client.transaction().await?;
        let mut exec = AsyncExec::new(&tx, &self.statements);
        let tracked = match sql::append_in(&mut exec, kind, options, stream, expected, commits).await? {
            Ok(tracked) => tracked,
            // Dropping the transaction rolls it back.
            Err(refused) => return Ok(Err(refused)),
        };
        tx.commit().await?;
        drop(client);
        options.keep(tracked);
        Ok(Ok(()))
    }

    async fn save_snapshot<A: Aggregate + Serialize>(&self, kind: &str, state: &A) -> Result<(), StoreError> {
        over!(self, |e| Via(e).put_snapshot(kind, state))
    }

    async fn load_snapshot<A: Aggregate + Upcast + DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, StoreError> {
        over!(self, |e| Via(e).snapshot_at(kind, stream, u64::MAX))
    }

    async fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
        over!(self, |e| sql::due_rows(e, kind, until, limit))
    }

    async fn min_due(&self, kind: &str) -> Result<Option<i64>, StoreError> {
        over!(self, |e| sql::min_due(e, kind))
    }

    async fn scalar(&self, sql: &'static str) -> Result<i64, StoreError> {
        over!(self, |e| sql::scalar(e, sql))
    }

    async fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        over!(self, |e| sql::pending(e, limit))
    }

    async fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
        over!(self, |e| sql::mark_done(e, key, at))
    }

    async fn delete_done(&self, before: i64) -> Result<u64, StoreError> {
        over!(self, |e| sql::delete_done(e, before))
    }
}
