//! Why a storage call failed.

use customer_care_storage::RowError;

/// A failure of the PostgreSQL store: the connection or the server failed, or what the tables hold does not
/// decode.
///
/// A failed call changes nothing: every write runs in one transaction, which the server rolls back on any error,
/// also when the connection is lost in the middle of it.
///
/// ```
/// use customer_care_postgres::{RowError, StoreError};
///
/// let e = StoreError::from(RowError::Corrupt { table: "commits", kind: "points".into(), stream: uuid::Uuid::nil(),
///                                              version: 3, detail: "expected value at line 1 column 1".into() });
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
    /// A row does not decode, a value does not encode, a batch is out of order, or a stream cannot be rebuilt.
    #[error(transparent)]
    Row(#[from] RowError),
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
