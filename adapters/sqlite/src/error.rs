//! Why a storage call failed.

use customer_care_storage::RowError;
use rusqlite::ErrorCode;

/// A failure of the SQLite store: the database refused or failed, or what it holds does not decode.
///
/// A failed call changes nothing: every write runs in one transaction, rolled back on any error.
///
/// ```
/// use customer_care_sqlite::{RowError, StoreError};
///
/// let e = StoreError::from(RowError::Corrupt { table: "commits", kind: "points".into(), stream: uuid::Uuid::nil(),
///                                              version: 3, detail: "expected value at line 1 column 1".into() });
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
    /// A row does not decode, a value does not encode, a batch is out of order, or a stream cannot be rebuilt.
    #[error(transparent)]
    Row(#[from] RowError),
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
