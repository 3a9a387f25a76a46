//! Why a storage call failed.

use uuid::Uuid;

/// A failure of the PostgreSQL store: the connection or the server failed, or what the tables hold does not
/// decode.
///
/// A failed call changes nothing: every write runs in one transaction, which the server rolls back on any error,
/// also when the connection is lost in the middle of it.
///
/// ```
/// use customer_care_postgres::StoreError;
///
/// let e = StoreError::Corrupt { table: "commits", kind: "points".into(), stream: uuid::Uuid::nil(), version: 3,
///                               detail: "expected value at line 1 column 1".into() };
/// assert_eq!(e.to_string(), "corrupt row in commits: points stream 00000000-0000-0000-0000-000000000000 \
///                            version 3: expected value at line 1 column 1");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The connection is closed (the server went away, the backend was terminated): reconnect. A transaction
    /// in flight was rolled back by the server.
    #[error("connection closed: {0}")]
    Closed(#[source] postgres::Error),
    /// The server refused or failed (a timeout, a lost lock, an unreachable host on connect, ...).
    #[error("postgres: {0}")]
    Postgres(#[source] postgres::Error),
    /// An integrity constraint refused a write (SQLSTATE class 23): the rows were changed behind the store's
    /// back (the store checks versions and command ids itself before writing).
    #[error("constraint violated: {0}")]
    Constraint(#[source] postgres::Error),
    /// The connection is in use by a call further up the stack (a store used from inside its own callback).
    #[error("the connection is already in use")]
    Busy,
    /// A stored row does not decode (a commit, a snapshot or an effect written by other code, or damaged).
    #[error("corrupt row in {table}: {kind} stream {stream} version {version}: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The aggregate kind the row belongs to.
        kind: String,
        /// The stream.
        stream: Uuid,
        /// The row's version (for the outbox: the commit's version).
        version: u64,
        /// What did not decode.
        detail: String,
    },
    /// A value could not be encoded as JSON: nothing was written.
    #[error("cannot encode {what} for {kind} stream {stream}: {detail}")]
    Encode {
        /// What was being encoded: `commit`, `snapshot`, `effect` or `version`.
        what: &'static str,
        /// The aggregate kind.
        kind: String,
        /// The stream.
        stream: Uuid,
        /// The encoder's message.
        detail: String,
    },
    /// The commits of one append do not follow the expected version one by one.
    #[error("commits appended to {kind} stream {stream} after version {expected} must be numbered from {}; commit {index} has version {found}", expected.saturating_add(1))]
    BatchOutOfOrder {
        /// The aggregate kind.
        kind: String,
        /// The stream.
        stream: Uuid,
        /// The expected version of the stream.
        expected: u64,
        /// The position of the first commit out of order.
        index: usize,
        /// Its version.
        found: u64,
    },
    /// The stream's state could not be rebuilt to compute its next deadline.
    #[error("cannot rebuild {kind} stream {stream} for its deadline: {detail}")]
    Rebuild {
        /// The aggregate kind.
        kind: String,
        /// The stream.
        stream: Uuid,
        /// Why.
        detail: String,
    },
    /// The database holds a schema this version does not know, or a schema name is not a plain identifier.
    #[error("unsupported database schema: {0}")]
    Schema(String),
}

impl StoreError {
    /// Whether the connection is gone (reconnect and retry the call).
    pub const fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if e.is_closed() {
            return Self::Closed(e);
        }
        match e.code() {
            Some(code) if code.code().starts_with("23") => Self::Constraint(e),
            _ => Self::Postgres(e),
        }
    }
}

/// A version read from a `bigint` column.
pub(crate) fn version_from_sql(table: &'static str, kind: &str, stream: Uuid, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        table,
        kind: kind.to_owned(),
        stream,
        version: 0,
        detail: format!("negative version {value}"),
    })
}

/// A version for a `bigint` column; versions past `i64::MAX` cannot be stored.
pub(crate) fn version_to_sql(kind: &str, stream: Uuid, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Encode {
        what: "version",
        kind: kind.to_owned(),
        stream,
        detail: format!("version {value} exceeds {}", i64::MAX),
    })
}
