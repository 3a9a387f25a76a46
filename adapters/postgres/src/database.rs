//! The connection, the schema and its migrations.

use std::cell::{RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use customer_care::Aggregate;
use customer_care_storage::Engine;
use customer_care_storage::blocking;
use postgres::{Client, NoTls, Statement};

use crate::error::StoreError;
use crate::sql;
use crate::store::{PostgresStore, SyncExec};

/// A PostgreSQL connection holding commit streams, snapshots, the outbox and the deadline index (in a schema of
/// its own if you like: [`connect_in_schema`](Self::connect_in_schema)).
///
/// One connection, shared by every [`PostgresStore`] made from it ([`store`](Self::store)); cloning is cheap and
/// the value stays on its thread. Another thread or process connects again: appends to one stream serialize on
/// its `streams` row (`SELECT … FOR UPDATE`), and a version check inside the transaction lets exactly one of two
/// racing appends win.
pub struct Database {
    client: Rc<RefCell<Client>>,
    schema: Option<String>,
    /// The connection's prepared statements, by their SQL: parsed once, not on every call.
    statements: Rc<RefCell<BTreeMap<&'static str, Statement>>>,
}

impl Clone for Database {
    fn clone(&self) -> Self {
        Self { client: Rc::clone(&self.client), schema: self.schema.clone(), statements: Rc::clone(&self.statements) }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database").field("schema", &self.schema).finish_non_exhaustive()
    }
}

impl Database {
    /// Connects to `url` (`postgres://user@host/db` or `host=… user=… dbname=…`, without TLS) and runs the
    /// migrations the database has not had ([`migrate`](Self::migrate)).
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`] when the server cannot be reached or refuses; as [`migrate`](Self::migrate).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let db = Self::new(Client::connect(url, NoTls)?, None);
        db.migrate()?;
        Ok(db)
    }

    /// Connects to `url` with every table in `schema` (created if missing; a plain lowercase identifier): one
    /// database for several tenants or test runs.
    ///
    /// # Errors
    ///
    /// [`StoreError::Schema`] for a name that is not `[a-z_][a-z0-9_]*`; as [`connect`](Self::connect).
    pub fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let use_schema = sql::use_schema(schema)?;
        let mut client = Client::connect(url, NoTls)?;
        client.batch_execute(&use_schema)?;
        let db = Self::new(client, Some(schema.to_owned()));
        db.migrate()?;
        Ok(db)
    }

    fn new(client: Client, schema: Option<String>) -> Self {
        Self { client: Rc::new(RefCell::new(client)), schema, statements: Rc::default() }
    }

    /// The connection's statement cache.
    pub(crate) fn statements(&self) -> &RefCell<BTreeMap<&'static str, Statement>> {
        &self.statements
    }

    /// Runs `f` over the connection (one call at a time).
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut SyncExec<'_, Client>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut client = self.client()?;
        f(&mut SyncExec::new(&mut client, &self.statements))
    }

    /// Runs the migrations the database has not had, in one transaction, under an advisory lock (so processes
    /// starting together migrate once); a no-op when current.
    ///
    /// # Errors
    ///
    /// [`StoreError::Schema`] when the database has migrations this version does not know (a newer crate's);
    /// [`StoreError::Postgres`].
    pub fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        blocking(sql::migrate_in(&mut SyncExec::new(&mut tx, &self.statements)))?;
        tx.commit()?;
        Ok(())
    }

    /// How many migrations the database has had.
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`].
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.with(|e| blocking(sql::schema_version(e)))
    }

    /// The connection, for the host's own tables (borrowed: do not hold it across a store call).
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] when a store call is using it.
    pub fn client(&self) -> Result<RefMut<'_, Client>, StoreError> {
        self.client.try_borrow_mut().map_err(|_| StoreError::Busy)
    }

    /// The server process serving this connection (`pg_backend_pid()`).
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`], [`StoreError::Closed`].
    pub fn backend_pid(&self) -> Result<i32, StoreError> {
        Ok(self.client()?.query_one("SELECT pg_backend_pid()", &[])?.get(0))
    }

    /// The streams of aggregate type `A`, stored under `kind` (the host's name for the type: `"customer"`,
    /// `"points"`; keep it stable, it is part of every row's key).
    pub fn store<A: Aggregate>(&self, kind: &'static str) -> PostgresStore<A> {
        PostgresStore::new(self.clone(), kind)
    }

    /// Rows in one of this crate's tables (`streams`, `commits`, `snapshots`, `outbox`).
    ///
    /// # Errors
    ///
    /// [`RowError::UnknownTable`](crate::RowError) for another table name; [`StoreError::Postgres`].
    pub fn count(&self, table: &str) -> Result<u64, StoreError> {
        Engine::count(self, table)
    }
}
