//! The adapter's SQL and everything it does around it, written once for both connections: the blocking
//! [`Database`](crate::Database) and the async `AsyncDatabase` run these functions over their own [`Exec`]
//! (the blocking one through [`blocking`](customer_care_storage::blocking): its futures are ready at once).

use customer_care::host::AppendError;
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit};
use customer_care_storage::codec::{check_batch, decode_commit, decode_snapshot, encode};
use customer_care_storage::{
    CommitOf, Effects, Options, OutboxEntry, OutboxKey, RowError, Rows, Tracked, version_from_sql, version_to_sql,
};
use postgres::types::ToSql;
use postgres::{Row, Statement};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::StoreError;

const VERSION: &str = "SELECT version FROM streams WHERE kind = $1 AND stream = $2";
const READ_COMMITS: &str = "SELECT version, body::text FROM commits
     WHERE kind = $1 AND stream = $2 AND version > $3 AND version <= $4 ORDER BY version";
const FIND_COMMAND: &str =
    "SELECT version, body::text FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3";
const READ_SNAPSHOT: &str =
    "SELECT version, state::text FROM snapshots WHERE kind = $1 AND stream = $2 AND version <= $3";
const WRITE_SNAPSHOT: &str = "INSERT INTO snapshots (kind, stream, version, state)
     VALUES ($1, $2, $3, $4::text::jsonb)
     ON CONFLICT (kind, stream) DO UPDATE SET version = excluded.version, state = excluded.state
     WHERE excluded.version > snapshots.version";
const DUE: &str = "SELECT stream, due_at, version FROM streams
     WHERE kind = $1 AND due_at IS NOT NULL AND due_at <= $2 ORDER BY due_at, stream LIMIT $3";
const MIN_DUE: &str = "SELECT MIN(due_at) FROM streams WHERE kind = $1 AND due_at IS NOT NULL";
const PENDING: &str = "SELECT position, kind, stream, version, seq, effect::text FROM outbox
     WHERE done_at IS NULL ORDER BY position LIMIT $1";
const MARK_DONE: &str = "UPDATE outbox SET done_at = $5
     WHERE kind = $1 AND stream = $2 AND version = $3 AND seq = $4 AND done_at IS NULL";
const DELETE_DONE: &str = "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1";
const HEAD_CREATE: &str =
    "INSERT INTO streams (kind, stream, version) VALUES ($1, $2, 0) ON CONFLICT (kind, stream) DO NOTHING";
const HEAD_LOCK: &str = "SELECT version FROM streams WHERE kind = $1 AND stream = $2 FOR UPDATE";
const FIND_ID: &str = "SELECT version FROM commits WHERE kind = $1 AND stream = $2 AND command_id = $3";
const INSERT_COMMIT: &str =
    "INSERT INTO commits (kind, stream, version, command_id, body) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
const INSERT_EFFECT: &str =
    "INSERT INTO outbox (kind, stream, version, seq, effect) VALUES ($1, $2, $3, $4, $5::text::jsonb)";
const HEAD_UPDATE: &str = "UPDATE streams SET version = $3, due_at = $4 WHERE kind = $1 AND stream = $2";

/// The migrations shipped with the crate (`migrations/*.sql`), in order; `customer_care_migrations` records which
/// have run.
const MIGRATIONS: [(&str, &str); 1] = [("0001_streams", include_str!("../migrations/0001_streams.sql"))];

/// Any number that is the same in every process: the advisory lock that serializes migrations.
const MIGRATION_LOCK: i64 = 0x00C0_FFEE_0017;

/// The parameters of a statement.
pub(crate) type Params<'a> = [&'a (dyn ToSql + Sync)];

/// A connection or a transaction on it, blocking or async, as the functions of this module use it. Every
/// statement is prepared once per connection and kept (the connection's cache).
#[allow(async_fn_in_trait, reason = "crate-private; the async connection's futures are Send")]
pub(crate) trait Exec {
    /// The prepared statement for `sql` on this connection.
    async fn prepare(&mut self, sql: &'static str) -> Result<Statement, StoreError>;
    /// Runs a statement; the rows it changed.
    async fn execute(&mut self, statement: &Statement, params: &Params<'_>) -> Result<u64, StoreError>;
    /// The rows of a query.
    async fn query(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Vec<Row>, StoreError>;
    /// Runs statements without parameters (the migrations).
    async fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
}

async fn query<T: Exec>(exec: &mut T, sql: &'static str, params: &Params<'_>) -> Result<Vec<Row>, StoreError> {
    let statement = exec.prepare(sql).await?;
    exec.query(&statement, params).await
}

async fn execute<T: Exec>(exec: &mut T, sql: &'static str, params: &Params<'_>) -> Result<u64, StoreError> {
    let statement = exec.prepare(sql).await?;
    exec.execute(&statement, params).await
}

async fn query_opt<T: Exec>(exec: &mut T, sql: &'static str, params: &Params<'_>) -> Result<Option<Row>, StoreError> {
    Ok(query(exec, sql, params).await?.into_iter().next())
}

/// A version bound as its column's type (past `i64::MAX`: no bound).
fn bound(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// The head version of a stream (0 for none).
pub(crate) async fn version<T: Exec>(exec: &mut T, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
    let row = query_opt(exec, VERSION, &[&kind, &stream]).await?;
    row.map_or(Ok(0), |r| Ok(version_from_sql("streams", kind, stream, r.try_get(0)?)?))
}

/// The commit of `command_id` in the stream.
pub(crate) async fn find_command<T: Exec, A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
    exec: &mut T,
    kind: &str,
    stream: Uuid,
    command_id: CommandId,
) -> Result<Option<Commit<A::Command, A::Event>>, StoreError> {
    let row = query_opt(exec, FIND_COMMAND, &[&kind, &stream, &command_id.as_uuid()]).await?;
    row.map(|row| Ok(decode_commit::<A>(kind, stream, row.try_get(0)?, row.try_get(1)?)?)).transpose()
}

/// The statements an append runs, prepared.
struct AppendStatements {
    head_create: Statement,
    head_lock: Statement,
    find_id: Statement,
    insert_commit: Statement,
    insert_effect: Statement,
}

/// The append inside the caller's transaction: the stream's row created and locked (appends to one stream run
/// one at a time and see each other's commits), the version and the command ids checked, the commits and their
/// effects inserted, the deadline tracked, the head updated. The caller commits, then keeps the [`Tracked`]
/// state ([`Options::keep`]); a refusal or an error returns before anything is committed.
pub(crate) async fn append_in<T: Exec, A: Aggregate + Upcast + Serialize + DeserializeOwned>(
    tx: &mut T,
    kind: &'static str,
    options: &mut Options<A>,
    stream: Uuid,
    expected: u64,
    commits: &[CommitOf<A>],
) -> Result<Result<Tracked<A>, AppendError<StoreError>>, StoreError>
where
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
{
    check_batch(kind, stream, expected, commits)?;
    let Some(last) = commits.last() else {
        let actual = version(tx, kind, stream).await?;
        return Ok(if actual == expected {
            Ok(Tracked::default())
        } else {
            Err(AppendError::VersionConflict { stream, expected, actual })
        });
    };
    let s = AppendStatements {
        head_create: tx.prepare(HEAD_CREATE).await?,
        head_lock: tx.prepare(HEAD_LOCK).await?,
        find_id: tx.prepare(FIND_ID).await?,
        insert_commit: tx.prepare(INSERT_COMMIT).await?,
        insert_effect: tx.prepare(INSERT_EFFECT).await?,
    };
    tx.execute(&s.head_create, &[&kind, &stream]).await?;
    let locked = tx.query(&s.head_lock, &[&kind, &stream]).await?;
    let head: i64 = locked.first().map_or(Ok(0), |row| row.try_get(0))?;
    let actual = version_from_sql("streams", kind, stream, head)?;
    if actual != expected {
        return Ok(Err(AppendError::VersionConflict { stream, expected, actual }));
    }
    for commit in commits {
        if let Some(row) = tx.query(&s.find_id, &[&kind, &stream, &commit.command.id.as_uuid()]).await?.first() {
            let version = version_from_sql("commits", kind, stream, row.try_get(0)?)?;
            return Ok(Err(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version }));
        }
    }
    for (commit, row) in commits.iter().zip(commit_rows::<A>(kind, stream, options.effects, commits)?) {
        let id = commit.command.id.as_uuid();
        tx.execute(&s.insert_commit, &[&kind, &stream, &row.version, &id, &row.body]).await?;
        for (seq, effect) in (0i32..).zip(&row.effects) {
            tx.execute(&s.insert_effect, &[&kind, &stream, &row.version, &seq, effect]).await?;
        }
    }
    let tracked = options.track(&mut Via(&mut *tx), kind, stream, expected, commits).await?;
    let head = version_to_sql(kind, stream, last.version)?;
    execute(tx, HEAD_UPDATE, &[&kind, &stream, &head, &tracked.due_at]).await?;
    Ok(Ok(tracked))
}

/// A commit's row and its effects, encoded before the transaction writes them.
struct CommitRow {
    version: i64,
    body: String,
    effects: Vec<String>,
}

/// The rows of `commits`, in order.
fn commit_rows<A: Aggregate>(
    kind: &str,
    stream: Uuid,
    effects: Option<Effects<A>>,
    commits: &[CommitOf<A>],
) -> Result<Vec<CommitRow>, RowError>
where
    A::Command: Serialize,
    A::Event: Serialize,
{
    commits
        .iter()
        .map(|commit| {
            let made = effects.map(|effects| effects(commit)).unwrap_or_default();
            Ok(CommitRow {
                version: version_to_sql(kind, stream, commit.version)?,
                body: encode("commit", kind, stream, commit)?,
                effects: made.iter().map(|e| encode("effect", kind, stream, e)).collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// The connection as the deadline tracking (and the store's snapshot and commit reads) use it.
pub(crate) struct Via<'a, T>(pub(crate) &'a mut T);

impl<T: Exec> Rows for Via<'_, T> {
    type Error = StoreError;

    async fn snapshot_at<A: Aggregate + Upcast + DeserializeOwned>(
        &mut self,
        kind: &str,
        stream: Uuid,
        until: u64,
    ) -> Result<Option<A>, StoreError> {
        let Some(row) = query_opt(self.0, READ_SNAPSHOT, &[&kind, &stream, &bound(until)]).await? else {
            return Ok(None);
        };
        let (version, state): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        Ok(decode_snapshot(kind, stream, version, &state)?)
    }

    async fn commits_between<A: Aggregate<Command: DeserializeOwned, Event: DeserializeOwned> + Upcast>(
        &mut self,
        kind: &str,
        stream: Uuid,
        after: u64,
        until: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        let rows = query(self.0, READ_COMMITS, &[&kind, &stream, &bound(after), &bound(until)]).await?;
        rows.iter().map(|row| Ok(decode_commit::<A>(kind, stream, row.try_get(0)?, row.try_get(1)?)?)).collect()
    }

    async fn put_snapshot<A: Aggregate + Serialize>(&mut self, kind: &str, state: &A) -> Result<(), StoreError> {
        let stream = state.stream_id();
        let (version, json) =
            (version_to_sql(kind, stream, state.version())?, encode("snapshot", kind, stream, state)?);
        execute(self.0, WRITE_SNAPSHOT, &[&kind, &stream, &version, &json]).await?;
        Ok(())
    }
}

/// `(stream, due_at, version)` of the streams due at or before `until`.
pub(crate) async fn due_rows<T: Exec>(
    exec: &mut T,
    kind: &str,
    until: i64,
    limit: i64,
) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
    let rows = query(exec, DUE, &[&kind, &until, &limit]).await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))).collect()
}

/// The least `due_at` of `kind`.
pub(crate) async fn min_due<T: Exec>(exec: &mut T, kind: &str) -> Result<Option<i64>, StoreError> {
    query_opt(exec, MIN_DUE, &[&kind]).await?.map_or(Ok(None), |row| Ok(row.try_get(0)?))
}

/// One integer from a statement without parameters.
pub(crate) async fn scalar<T: Exec>(exec: &mut T, sql: &'static str) -> Result<i64, StoreError> {
    query_opt(exec, sql, &[]).await?.map_or(Ok(0), |row| Ok(row.try_get(0)?))
}

/// Up to `limit` pending outbox entries.
pub(crate) async fn pending<T: Exec>(exec: &mut T, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
    let rows = query(exec, PENDING, &[&limit]).await?;
    rows.iter()
        .map(|row| {
            let (position, kind, stream, version, seq, effect): (i64, String, Uuid, i64, i32, String) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?);
            Ok(OutboxEntry::from_row(position, kind, stream, version, i64::from(seq), &effect)?)
        })
        .collect()
}

/// Marks the pending entry `key` done at `at`.
pub(crate) async fn mark_done<T: Exec>(exec: &mut T, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
    let (version, seq) = (bound(key.version), i32::try_from(key.seq).unwrap_or(i32::MAX));
    Ok(execute(exec, MARK_DONE, &[&key.kind, &key.stream, &version, &seq, &at]).await? > 0)
}

/// Deletes the done entries with `done_at < before`.
pub(crate) async fn delete_done<T: Exec>(exec: &mut T, before: i64) -> Result<u64, StoreError> {
    execute(exec, DELETE_DONE, &[&before]).await
}

/// Runs the migrations the database has not had, inside the caller's transaction, under an advisory lock (so
/// processes starting together migrate once).
pub(crate) async fn migrate_in<T: Exec>(tx: &mut T) -> Result<(), StoreError> {
    execute(tx, "SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    tx.batch(
        "CREATE TABLE IF NOT EXISTS customer_care_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let applied = schema_version(tx).await?;
    let known = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
    if applied > known {
        return Err(StoreError::Schema(format!("migration {applied} is newer than this crate's {known}")));
    }
    for (version, (name, sql)) in (1i32..).zip(MIGRATIONS) {
        if u32::try_from(version).is_ok_and(|v| v > applied) {
            tx.batch(sql).await?;
            let record = "INSERT INTO customer_care_migrations (version, name) VALUES ($1, $2)";
            let statement = tx.prepare(record).await?;
            tx.execute(&statement, &[&version, &name]).await?;
        }
    }
    Ok(())
}

/// How many migrations the database has had.
pub(crate) async fn schema_version<T: Exec>(exec: &mut T) -> Result<u32, StoreError> {
    let sql = "SELECT COALESCE(MAX(version), 0) FROM customer_care_migrations";
    let statement = exec.prepare(sql).await?;
    let v: i32 = exec.query(&statement, &[]).await?.first().map_or(Ok(0), |row| row.try_get(0))?;
    Ok(u32::try_from(v).unwrap_or(0))
}

/// `CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}` for a plain lowercase identifier.
///
/// # Errors
///
/// [`StoreError::Schema`] for another name.
pub(crate) fn use_schema(schema: &str) -> Result<String, StoreError> {
    let plain = schema.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63;
    if !plain {
        return Err(StoreError::Schema(format!("schema name {schema:?} is not a plain lowercase identifier")));
    }
    Ok(format!("CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"))
}
