//! SQLite storage for [`customer_care`] hosts: the commit streams behind
//! [`host::Host`](customer_care::host::Host), snapshots, an outbox written in the same transaction as each commit,
//! and an index of every stream's next deadline, in one file (or in memory), with SQLite bundled.
//!
//! ```
//! use customer_care::chrono::{TimeDelta, TimeZone, Utc};
//! use customer_care::host::{Host, ManualClock};
//! use customer_care::loyalty::{ExpiryPolicy, ProgramSpec};
//! use customer_care::{AccountId, CommandId, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand};
//! use customer_care_sqlite::Database;
//!
//! let db = Database::in_memory()?; // or Database::open("care.db")?
//! // Points accounts, with each stream's next deadline stored with its commits.
//! let store = db
//!     .store::<PointsAccount>("points")
//!     .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline);
//! let program = LoyaltyProgram::new(
//!     ProgramSpec::new(customer_care::chrono_tz::UTC, Money::from_minor(100, Currency::USD), 1)
//!         .expiry(ExpiryPolicy::RollingMonths { months: 1 }),
//! )?;
//! let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
//! let mut host = Host::new(store, ManualClock::new(t0));
//! let mut account = PointsAccount::new(AccountId::from_u128(7)?);
//! let earn = PointsCommand::AwardBonus {
//!     points: Points::new(40),
//!     reason: customer_care::loyalty::BonusReason::Birthday,
//!     expires_at: None,
//! };
//! host.submit(&mut account, &program, CommandId::from_u128(1)?, earn)?;
//!
//! // The scheduler: a month later, the index names the stream whose points expire, without a scan.
//! let now = t0 + TimeDelta::days(40);
//! host.clock_mut().set(now);
//! let due = host.store().due(now, 100)?;
//! assert_eq!(due.iter().map(|d| d.stream).collect::<Vec<_>>(), [account.stream_id()]);
//! host.submit(&mut account, &program, CommandId::from_u128(2)?, PointsCommand::ProcessDue)?;
//! assert_eq!(account.points_available(), Points::new(0));
//! assert!(host.store().due(now, 100)?.is_empty());
//! # use customer_care::Aggregate;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Database`]: the file and its connection; [`Database::migrate`] brings its schema up to date (the SQL
//!   files under `migrations/`). Make one store per aggregate type from it with [`Database::store`].
//! - [`SqliteStore`]: one aggregate type's streams. It implements
//!   [`CommitStore`](customer_care::host::CommitStore) and passes
//!   [`conformance::check_store`](customer_care::host::conformance::check_store); it keeps snapshots, writes
//!   effects to the outbox ([`SqliteStore::with_effects`]) and deadlines to the index
//!   ([`SqliteStore::with_deadlines`], [`SqliteStore::due`]).
//! - [`Outbox`]: the effects to deliver, at least once, in order per stream, each with a stable [`OutboxKey`].
//! - [`StoreError`]: what can fail; no call panics, and a failed write changes nothing.
//!
//! # Guarantees
//!
//! - An append is one `BEGIN IMMEDIATE` transaction: the commits, their outbox entries, the stream's head version
//!   and next deadline (and a snapshot when due) are stored together or not at all, also when the process dies
//!   mid-append (tested by killing a writer process).
//! - Of two writers appending from the same version (threads or processes on the same file), exactly one wins;
//!   the other gets [`AppendError::VersionConflict`](customer_care::host::AppendError) and the host loop decides
//!   again.
//! - A stored deadline is never earlier than the aggregate's (rounded up to the microsecond).
//!
//! # Schema
//!
//! `streams(kind, stream, version, due_at)` with an index on `(kind, due_at)`; `commits(kind, stream, version,
//! command_id, body)` with primary key `(kind, stream, version)` and unique `(kind, stream, command_id)`;
//! `snapshots(kind, stream, version, state)`; `outbox(position, kind, stream, version, seq, effect, done_at)`.
//! Commits, snapshots and effects are JSON. `kind` is the host's name for an aggregate type, so one file holds
//! every type's streams.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod database;
mod error;
mod outbox;
mod store;
#[cfg(test)]
mod wire_tests;

/// The SQLite driver this crate is built on, for the host's own tables on [`Database::connection`].
pub use rusqlite;

pub use customer_care_storage::{CommitOf, Drained, Due, Effects, Engine, OutboxEntry, OutboxKey, RowError, Store};
pub use database::Database;
pub use error::StoreError;
pub use outbox::Outbox;
pub use store::SqliteStore;
