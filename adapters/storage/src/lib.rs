//! The parts of a [`customer_care`] storage adapter that do not depend on the database, shared by
//! `customer-care-sqlite` and `customer-care-postgres`: rows to and from commits, snapshots and effects
//! ([`codec`]), the deadline kept with each commit ([`Tracking`]), the deadline encoding and [`Due`], the
//! outbox's keys and its drain ([`drain`]), and [`RowError`]. A third adapter (MySQL, FoundationDB) starts here.
//!
//! ```
//! use customer_care_storage::OutboxKey;
//!
//! let key = OutboxKey { kind: "points".into(), stream: uuid::Uuid::nil(), version: 1, seq: 0 };
//! assert_eq!(key.to_string(), "points/00000000-0000-0000-0000-000000000000/1/0");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod async_engine;
pub mod codec;
mod engine;
mod error;
mod outbox;
mod schedule;
#[cfg(feature = "testkit")]
pub mod testkit;
mod tracking;

pub use async_engine::{AsyncEngine, AsyncOutbox, AsyncStore};
pub use engine::{CommitOf, Effects, Engine, Options, Rows, Store, Tracked, blocking, count_sql, due_from_row};
pub use error::{RowError, version_from_sql, version_to_sql};
pub use outbox::{Drained, Draining, Outbox, OutboxEntry, OutboxKey, drain};
pub use schedule::{Due, from_micros, to_micros_ceil};
pub use tracking::{Advanced, Tracking};
