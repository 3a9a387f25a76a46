//! The database file: one connection, the schema and its migrations.

use std::fmt;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use customer_care::Aggregate;
use customer_care_storage::Engine;
use rusqlite::{Connection, OptionalExtension};

use crate::error::StoreError;
use crate::store::SqliteStore;

/// The schema, one migration per step; `PRAGMA user_version` records how many have run.
const MIGRATIONS: [&str; 1] = [include_str!("../migrations/0001_streams.sql")];

/// A SQLite database holding commit streams, snapshots, the outbox and the deadline index.
///
/// One connection, shared by every [`SqliteStore`] made from it ([`store`](Self::store)), so all aggregate types
/// of a process share one page cache and a host can join its own tables to the same transactions. Cloning is
/// cheap (the connection is reference-counted); the value stays on its thread. Another thread or process opens
/// the file again: writers serialize on SQLite's lock (`BEGIN IMMEDIATE`), and a version check inside the
/// transaction lets exactly one of two racing appends win.
///
/// ```
/// use customer_care_sqlite::Database;
///
/// let db = Database::in_memory()?;
/// assert_eq!(db.schema_version()?, 1);
/// # Ok::<(), customer_care_sqlite::StoreError>(())
/// ```
#[derive(Clone)]
pub struct Database {
    conn: Rc<Connection>,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database").field("path", &self.conn.path()).finish()
    }
}

impl Database {
    /// Opens (or creates) the file at `path`: write-ahead log, `synchronous = NORMAL` (a commit survives a crash
    /// of the process; a power loss may lose the last commits but never tears one), a 10 s busy timeout, and the
    /// schema migrated to this version ([`migrate`](Self::migrate)).
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] when the file cannot be opened, [`StoreError::Schema`] when it holds another schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
        Self::from_connection(conn)
    }

    /// A private database in memory (tests, examples).
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] when SQLite cannot allocate it.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    /// A database over a connection the host opened (its own flags or pragmas), migrated.
    ///
    /// # Errors
    ///
    /// As [`migrate`](Self::migrate).
    pub fn from_connection(conn: Connection) -> Result<Self, StoreError> {
        let db = Self { conn: Rc::new(conn) };
        db.migrate()?;
        Ok(db)
    }

    /// Runs the migrations the file has not had yet (each in its own transaction); a no-op when current.
    ///
    /// # Errors
    ///
    /// [`StoreError::Schema`] when the file is from a newer version of this crate, or holds a `commits` table it
    /// did not create (the schema of the old `sqlite_host` example: start a new file); [`StoreError::Sqlite`].
    pub fn migrate(&self) -> Result<(), StoreError> {
        let applied = self.schema_version()?;
        let known = MIGRATIONS.len();
        let applied = usize::try_from(applied).unwrap_or(usize::MAX);
        if applied > known {
            return Err(StoreError::Schema(format!("schema version {applied} is newer than this crate's {known}")));
        }
        if applied == 0 {
            let foreign: Option<String> = self
                .conn
                .query_row("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'commits'", [], |r| r.get(0))
                .optional()?;
            if foreign.is_some() {
                return Err(StoreError::Schema(
                    "the file has a commits table this crate did not create (an older example's file?): use a new file"
                        .into(),
                ));
            }
        }
        for (n, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = self.conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i64::try_from(n).unwrap_or(i64::MAX).saturating_add(1))?;
            tx.commit()?;
        }
        Ok(())
    }

    /// How many migrations the file has had.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`].
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The connection, for the host's own tables (in the same file, the same transactions if it likes).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The streams of aggregate type `A`, stored under `kind` (the host's name for the type: `"customer"`,
    /// `"points"`; keep it stable, it is part of every row's key).
    pub fn store<A: Aggregate>(&self, kind: &'static str) -> SqliteStore<A> {
        SqliteStore::new(self.clone(), kind)
    }

    /// Rows in one of this crate's tables (`streams`, `commits`, `snapshots`, `outbox`), for reports and tests.
    ///
    /// # Errors
    ///
    /// [`RowError::UnknownTable`](crate::RowError) for another table name; [`StoreError::Sqlite`].
    pub fn count(&self, table: &str) -> Result<u64, StoreError> {
        Engine::count(self, table)
    }
}
