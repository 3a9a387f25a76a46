//! PostgreSQL storage for [`customer_care`] hosts: the commit streams behind
//! [`host::Host`](customer_care::host::Host) in hash-partitioned tables, snapshots, an outbox written in the same
//! transaction as each commit, and an index of every stream's next deadline. The same API as
//! `customer-care-sqlite`, for a business that outgrew one file.
//!
//! ```no_run
//! use customer_care::chrono::{DateTime, Utc};
//! use customer_care::host::Host;
//! use customer_care::{AccountId, PointsAccount};
//! use customer_care_postgres::Database;
//!
//! // Connects and runs the SQL migrations shipped with the crate (once, under an advisory lock).
//! let db = Database::connect("host=localhost user=postgres dbname=care")?;
//! let points = db
//!     .store::<PointsAccount>("points")
//!     .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline);
//! let host = Host::new(points, || DateTime::<Utc>::UNIX_EPOCH);
//! // The scheduler's question, answered from an index.
//! let due = host.store().due(DateTime::<Utc>::UNIX_EPOCH, 500)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Database`]: a connection; [`Database::migrate`] runs the SQL files under `migrations/` that the database
//!   has not had (recorded in `customer_care_migrations`). [`Database::connect_in_schema`] keeps the tables in a
//!   schema of their own.
//! - [`PostgresStore`]: one aggregate type's streams; implements
//!   [`CommitStore`](customer_care::host::CommitStore) and passes
//!   [`conformance::check_store`](customer_care::host::conformance::check_store); snapshots, effects to the outbox
//!   ([`PostgresStore::with_effects`]) and deadlines ([`PostgresStore::with_deadlines`], [`PostgresStore::due`]).
//! - [`Outbox`]: the effects to deliver, at least once, in order per stream, each with a stable [`OutboxKey`].
//! - [`StoreError`]: what can fail; no call panics, and a failed write changes nothing.
//!
//! # Schema
//!
//! `streams(kind, stream, version, due_at)` and `commits(kind, stream, version, command_id, body jsonb)` are
//! partitioned by `HASH (stream)` into 8 partitions: both uniqueness rules — primary key `(kind, stream, version)`
//! and unique `(kind, stream, command_id)` — contain the partition key, so each holds within a partition, and an
//! append touches one partition of each. `snapshots(kind, stream, version, state jsonb)` and
//! `outbox(position, kind, stream, version, seq, effect jsonb, done_at)` are plain tables. Deadlines are
//! microseconds since the epoch (rounded up), as in the SQLite adapter.
//!
//! # Guarantees
//!
//! - An append is one transaction that locks its stream's row (`SELECT … FOR UPDATE`): the commits, their outbox
//!   entries, the head version, the next deadline and a due snapshot are stored together or not at all; a
//!   connection lost mid-append leaves nothing of it (tested by terminating the backend).
//! - Of two writers appending from the same version, exactly one wins; the other gets
//!   [`AppendError::VersionConflict`](customer_care::host::AppendError).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

#[cfg(feature = "tokio")]
mod async_db;
mod database;
mod error;
mod outbox;
mod sql;
mod store;

/// The PostgreSQL driver this crate is built on, for the host's own tables on [`Database::client`].
pub use postgres;
/// The async driver, for the host's own tables on [`AsyncDatabase::client`] (feature `tokio`).
#[cfg(feature = "tokio")]
pub use tokio_postgres;

#[cfg(feature = "tokio")]
pub use async_db::{AsyncDatabase, AsyncPostgresStore};
pub use customer_care_storage::{CommitOf, Drained, Due, Effects, Engine, OutboxEntry, OutboxKey, RowError, Store};
pub use database::Database;
pub use error::StoreError;
pub use outbox::Outbox;
pub use store::PostgresStore;
