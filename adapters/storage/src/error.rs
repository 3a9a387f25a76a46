//! What a row can be wrong about, whatever the database.

use uuid::Uuid;

/// A row that does not decode, a value that does not encode, a batch out of order, a stream that cannot be
/// rebuilt: the failures every adapter shares (each adapter's `StoreError` wraps this one as `Row`).
///
/// ```
/// use customer_care_storage::RowError;
///
/// let e = RowError::Corrupt { table: "commits", kind: "points".into(), stream: uuid::Uuid::nil(), version: 3,
///                             detail: "expected value at line 1 column 1".into() };
/// assert_eq!(e.to_string(), "corrupt row in commits: points stream 00000000-0000-0000-0000-000000000000 \
///                            version 3: expected value at line 1 column 1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
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
    /// A blocking adapter polled a future that waits (an async engine's rows in a blocking call).
    #[error("a blocking call reached an engine that waits: await it on an async runtime")]
    Pending,
    /// A table name that is not one of the adapter schema's (`streams`, `commits`, `snapshots`, `outbox`).
    #[error("no table {0} in this crate's schema")]
    UnknownTable(String),
}

/// A version read from a signed integer column.
///
/// # Errors
///
/// [`RowError::Corrupt`] for a negative value.
pub fn version_from_sql(table: &'static str, kind: &str, stream: Uuid, value: i64) -> Result<u64, RowError> {
    u64::try_from(value).map_err(|_| RowError::Corrupt {
        table,
        kind: kind.to_owned(),
        stream,
        version: 0,
        detail: format!("negative version {value}"),
    })
}

/// A version for a signed 64-bit column; versions past `i64::MAX` cannot be stored.
///
/// # Errors
///
/// [`RowError::Encode`] past `i64::MAX`.
pub fn version_to_sql(kind: &str, stream: Uuid, value: u64) -> Result<i64, RowError> {
    i64::try_from(value).map_err(|_| RowError::Encode {
        what: "version",
        kind: kind.to_owned(),
        stream,
        detail: format!("version {value} exceeds {}", i64::MAX),
    })
}
