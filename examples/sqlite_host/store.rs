//! A SQLite storage adapter for customer-care aggregates: append-only commit streams, snapshots and an outbox,
//! in one database file.
//!
//! Schema:
//! - `commits(stream, version, command_id, commit)`: primary key `(stream, version)`, unique
//!   `(stream, command_id)`. `commit` is the JSON of the whole `Commit`.
//! - `snapshots(stream, version, state)`: the latest snapshot per stream.
//! - `outbox(stream, version, seq, effect, delivered_at)`: effects (e-receipts, care actions) written in the same
//!   transaction as the commit that caused them, unique per `(stream, version, seq)`, so a crash can neither lose
//!   nor duplicate one; a deliverer marks them delivered.
//!
//! Writers use `BEGIN IMMEDIATE`, so two writers appending from the same version serialize and exactly one wins.
//!
//! One process uses one connection for all its aggregate types ([`SqliteStore::sibling`]): they share the page
//! cache, which another connection's writes would otherwise invalidate on every commit.

#![allow(dead_code, unreachable_pub)]

use std::marker::PhantomData;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use customer_care::host::{AppendError, CommitStore};
use customer_care::{CommandId, Commit};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Turns a commit into the effects to deliver (JSON documents), written to the outbox with it.
pub type Effects<C, E> = fn(&Commit<C, E>) -> Vec<serde_json::Value>;

/// A SQLite-backed [`CommitStore`].
pub struct SqliteStore<C, E> {
    conn: Rc<Connection>,
    effects: Option<Effects<C, E>>,
    _types: PhantomData<fn() -> (C, E)>,
}

/// Storage failures: SQLite or JSON.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// A stored document did not decode.
    Json(serde_json::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "sqlite: {e}"),
            Self::Json(e) => write!(f, "json: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS commits (
    stream      BLOB    NOT NULL,
    version     INTEGER NOT NULL,
    command_id  BLOB    NOT NULL,
    commit_json TEXT    NOT NULL,
    PRIMARY KEY (stream, version),
    UNIQUE (stream, command_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    stream  BLOB PRIMARY KEY,
    version INTEGER NOT NULL,
    state   TEXT    NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    stream       BLOB    NOT NULL,
    version      INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    effect       TEXT    NOT NULL,
    delivered_at TEXT,
    UNIQUE (stream, version, seq)
);
";

impl<C, E> SqliteStore<C, E>
where
    C: Serialize + DeserializeOwned,
    E: Serialize + DeserializeOwned,
{
    /// Opens (or creates) the database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn: Rc::new(conn), effects: None, _types: PhantomData })
    }

    /// Another aggregate type's streams on the same connection (no outbox until [`with_outbox`](Self::with_outbox)).
    pub fn sibling<C2, E2>(&self) -> SqliteStore<C2, E2> {
        SqliteStore { conn: Rc::clone(&self.conn), effects: None, _types: PhantomData }
    }

    /// The connection, for the host's own tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Writes the effects of every appended commit to the outbox, in the same transaction.
    pub fn with_outbox(mut self, effects: Effects<C, E>) -> Self {
        self.effects = Some(effects);
        self
    }

    /// The stream's current version.
    pub fn version(&self, stream: Uuid) -> Result<u64, StoreError> {
        let v: Option<i64> = self.conn.query_row(
            "SELECT MAX(version) FROM commits WHERE stream = ?1",
            params![stream.as_bytes().as_slice()],
            |r| r.get(0),
        )?;
        Ok(v.unwrap_or(0) as u64)
    }

    /// Saves a snapshot (serialized aggregate state) at `version`, replacing an older one.
    pub fn save_snapshot<A: Serialize>(&self, stream: Uuid, version: u64, state: &A) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO snapshots (stream, version, state) VALUES (?1, ?2, ?3)
             ON CONFLICT(stream) DO UPDATE SET version = excluded.version, state = excluded.state
             WHERE excluded.version > snapshots.version",
            params![stream.as_bytes().as_slice(), version as i64, serde_json::to_string(state)?],
        )?;
        Ok(())
    }

    /// The latest snapshot, if any.
    pub fn load_snapshot<A: DeserializeOwned>(&self, stream: Uuid) -> Result<Option<A>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT state FROM snapshots WHERE stream = ?1", params![stream.as_bytes().as_slice()], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(match json {
            Some(json) => Some(serde_json::from_str(&json)?),
            None => None,
        })
    }

    /// Effects not yet delivered, oldest first, with their outbox ids.
    pub fn pending_effects(&self, limit: usize) -> Result<Vec<(i64, serde_json::Value)>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT id, effect FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map(params![limit as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row?;
            out.push((id, serde_json::from_str(&json)?));
        }
        Ok(out)
    }

    /// Marks an outbox entry delivered.
    pub fn mark_delivered(&self, id: i64, at: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE outbox SET delivered_at = ?2 WHERE id = ?1", params![id, at])?;
        Ok(())
    }

    /// Rows in a table (for reports and tests).
    pub fn count(&self, table: &str) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn append_tx(&self, stream: Uuid, expected: u64, commits: &[Commit<C, E>]) -> Result<(), AppendError<StoreError>> {
        let sql = |e: rusqlite::Error| AppendError::Store(StoreError::Sqlite(e));
        let effects = self.effects;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(sql)?;
        let key = stream.as_bytes().as_slice();
        let actual: Option<i64> = tx
            .prepare_cached("SELECT MAX(version) FROM commits WHERE stream = ?1")
            .and_then(|mut s| s.query_row(params![key], |r| r.get(0)))
            .map_err(sql)?;
        let actual = actual.unwrap_or(0) as u64;
        if actual != expected {
            return Err(AppendError::VersionConflict { stream, expected, actual });
        }
        for commit in commits {
            let stored: Option<i64> = tx
                .prepare_cached("SELECT version FROM commits WHERE stream = ?1 AND command_id = ?2")
                .and_then(|mut s| {
                    s.query_row(params![key, commit.command.id.as_uuid().as_bytes().as_slice()], |r| r.get(0))
                        .optional()
                })
                .map_err(sql)?;
            if let Some(version) = stored {
                return Err(AppendError::DuplicateCommand {
                    stream,
                    command_id: commit.command.id,
                    version: version as u64,
                });
            }
            let json = serde_json::to_string(commit).map_err(|e| AppendError::Store(StoreError::Json(e)))?;
            tx.prepare_cached("INSERT INTO commits (stream, version, command_id, commit_json) VALUES (?1, ?2, ?3, ?4)")
                .and_then(|mut s| {
                    s.execute(params![
                        key,
                        commit.version as i64,
                        commit.command.id.as_uuid().as_bytes().as_slice(),
                        json
                    ])
                })
                .map_err(sql)?;
            if let Some(effects) = effects {
                for (seq, effect) in effects(commit).into_iter().enumerate() {
                    tx.prepare_cached("INSERT INTO outbox (stream, version, seq, effect) VALUES (?1, ?2, ?3, ?4)")
                        .and_then(|mut s| {
                            s.execute(params![key, commit.version as i64, seq as i64, effect.to_string()])
                        })
                        .map_err(sql)?;
                }
            }
        }
        // Dropping the transaction without commit rolls everything back: all of the batch, or none.
        tx.commit().map_err(sql)
    }
}

impl<C, E> CommitStore<C, E> for SqliteStore<C, E>
where
    C: Serialize + DeserializeOwned,
    E: Serialize + DeserializeOwned,
{
    type Error = StoreError;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT commit_json FROM commits WHERE stream = ?1 AND version > ?2 ORDER BY version")?;
        let rows =
            stmt.query_map(params![stream.as_bytes().as_slice(), after_version as i64], |r| r.get::<_, String>(0))?;
        let mut commits = Vec::new();
        for row in rows {
            commits.push(serde_json::from_str(&row?)?);
        }
        Ok(commits)
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<StoreError>> {
        self.append_tx(stream, expected_version, commits)
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, StoreError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT commit_json FROM commits WHERE stream = ?1 AND command_id = ?2")?
            .query_row(params![stream.as_bytes().as_slice(), command_id.as_uuid().as_bytes().as_slice()], |r| r.get(0))
            .optional()?;
        Ok(match json {
            Some(json) => Some(serde_json::from_str(&json)?),
            None => None,
        })
    }
}
