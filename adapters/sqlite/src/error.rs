//! Why a storage call failed.

use rusqlite::ErrorCode;
use uuid::Uuid;

/// A failure of the SQLite store: the database refused or failed, or what it holds does not decode.
///
/// A failed call changes nothing: every write runs in one transaction, rolled back on any error.
///
/// ```
/// use customer_care_sqlite::StoreError;
///
/// let e = StoreError::Corrupt { table: "commits", kind: "points".into(), stream: uuid::Uuid::nil(), version: 3,
///                               detail: "expected value at line 1 column 1".into() };
/// assert_eq!(e.to_string(), "corrupt row in commits: points stream 00000000-0000-0000-0000-000000000000 \
///                            version 3: expected value at line 1 column 1");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed: I/O, a busy database past the timeout, a read-only or closed file, an interrupted statement.
    #[error("sqlite: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// A uniqueness or other constraint of the schema refused a write: the rows were changed behind the store's
    /// back (the store checks versions and command ids itself before writing).
    #[error("constraint violated: {0}")]
    Constraint(#[source] rusqlite::Error),
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
    /// A value could not be encoded as JSON (a map with non-string keys, say): nothing was written.
    #[error("cannot encode {what} for {kind} stream {stream}: {detail}")]
    Encode {
        /// What was being encoded: `commit`, `snapshot` or `effect`.
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
    /// The stream's state could not be rebuilt to compute its next deadline (a stored commit out of order, or
    /// the host's `new` function refused the stream id).
    #[error("cannot rebuild {kind} stream {stream} for its deadline: {detail}")]
    Rebuild {
        /// The aggregate kind.
        kind: String,
        /// The stream.
        stream: Uuid,
        /// Why.
        detail: String,
    },
    /// The file holds a schema this version does not know: a newer crate's, or tables of another program.
    #[error("unsupported database schema: {0}")]
    Schema(String),
}

impl StoreError {
    /// Whether the error says the store itself failed (SQLite, I/O), rather than what it holds.
    pub const fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) => Self::Constraint(e),
            _ => Self::Sqlite(e),
        }
    }
}

/// Converts a version read from SQLite (`INTEGER`, signed) to the crate's `u64`.
pub(crate) fn version_from_sql(table: &'static str, kind: &str, stream: Uuid, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        table,
        kind: kind.to_owned(),
        stream,
        version: 0,
        detail: format!("negative version {value}"),
    })
}

/// Converts a version to SQLite's signed `INTEGER`; versions past `i64::MAX` cannot be stored.
pub(crate) fn version_to_sql(kind: &str, stream: Uuid, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Encode {
        what: "version",
        kind: kind.to_owned(),
        stream,
        detail: format!("version {value} exceeds {}", i64::MAX),
    })
}
