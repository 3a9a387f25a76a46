//! The scenarios every adapter's tests run, written once (feature `testkit`): an adapter's test crate implements
//! [`Harness`] for its database and calls [`scenarios!`](crate::scenarios) (and [`bench_submit`] in its bench).
//!
//! The scenarios drive loyalty points accounts (rolling one-month expiry) and customers through
//! [`Store`] and [`Outbox`](crate::Outbox) and assert what the adapter must hold: the
//! conformance kit, kinds kept apart, snapshots, the outbox (in order per stream, at least once, nothing from a
//! refused append, housekeeping), deadlines (a scheduler loop over thousands of accounts, cold caches), typed
//! errors for damaged rows. They panic on a failure, as tests do.

mod bench;
mod deadlines;
mod errors;
mod outbox;
mod streams;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::loyalty::{BonusReason, ExpiryPolicy, ProgramSpec};
use customer_care::{AccountId, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand};

use crate::{Engine, Store};

pub use bench::bench_submit;
pub use deadlines::{a_scheduler_loop_expires_points, writers_with_cold_caches_store_the_same_deadlines};
pub use errors::{
    a_batch_out_of_order_is_refused_whole, a_constraint_violation_is_typed_and_changes_nothing,
    corrupt_commit_rows_are_named, corrupt_snapshots_are_named, filled,
};
pub use outbox::{
    a_refused_append_writes_no_effect, done_effects_are_deleted_before_an_instant,
    effects_are_written_with_their_commit_and_drained_in_order,
};
pub use streams::{kinds_keep_streams_apart, snapshots_plus_the_tail_equal_the_stream, the_store_passes_the_kit};

/// What the scenarios need of an adapter: fresh databases, a second connection, raw SQL to damage rows.
pub trait Harness {
    /// The adapter's database.
    type Db: Engine;

    /// A new, empty, migrated database (a file, a schema of its own).
    fn open(&self) -> Self::Db;

    /// Another connection to the same data (another writer with a cold cache).
    fn reconnect(&self, db: &Self::Db) -> Self::Db;

    /// Runs `sql` on `db` (statements the scenarios write in the SQL both engines speak).
    fn execute(&self, db: &Self::Db, sql: &str);

    /// Whether `error` is the adapter's "constraint violated" (a write the schema refused).
    fn is_constraint(&self, error: &<Self::Db as Engine>::Error) -> bool;

    /// The [`RowError`](crate::RowError) inside `error`, if that is what it is.
    fn row_error<'e>(&self, error: &'e <Self::Db as Engine>::Error) -> Option<&'e crate::RowError>;

    /// How many accounts the scheduler scenario runs.
    fn accounts(&self) -> u64 {
        2_000
    }
}

/// Every scenario as a `#[test]`, in a module `scenarios`: `scenarios!(harness())` where `harness()` gives an
/// `Option` of a [`Harness`] (`None`: skip, having said why).
#[macro_export]
macro_rules! scenarios {
    ($harness:expr) => {
        mod scenarios {
            use super::*;
            $crate::scenarios!(@tests $harness;
                the_store_passes_the_kit,
                kinds_keep_streams_apart,
                snapshots_plus_the_tail_equal_the_stream,
                effects_are_written_with_their_commit_and_drained_in_order,
                a_refused_append_writes_no_effect,
                done_effects_are_deleted_before_an_instant,
                a_scheduler_loop_expires_points,
                writers_with_cold_caches_store_the_same_deadlines,
                corrupt_commit_rows_are_named,
                corrupt_snapshots_are_named,
                a_constraint_violation_is_typed_and_changes_nothing,
                a_batch_out_of_order_is_refused_whole,
            );
        }
    };
    (@tests $harness:expr; $($name:ident,)*) => {
        $(
            #[test]
            fn $name() {
                if let Some(harness) = $harness {
                    $crate::testkit::$name(&harness);
                }
            }
        )*
    };
}

/// 9:00 UTC on `day` January 2026 (days past 31 run into February and on).
///
/// # Panics
///
/// Never for the days the scenarios use.
pub fn jan(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + TimeDelta::days(day - 1)
}

/// One point per dollar; points expire one month after they are earned.
///
/// # Panics
///
/// Never: the spec is valid.
pub fn program() -> LoyaltyProgram {
    LoyaltyProgram::new(
        ProgramSpec::new(customer_care::chrono_tz::UTC, Money::from_minor(100, Currency::USD), 1)
            .expiry(ExpiryPolicy::RollingMonths { months: 1 }),
    )
    .unwrap()
}

/// Points account number `n`.
///
/// # Panics
///
/// Never: the id is not nil.
pub fn account(n: u64) -> PointsAccount {
    PointsAccount::new(AccountId::from_u128(0xACC0_0000 + u128::from(n)).unwrap())
}

/// A birthday bonus of `points`.
pub const fn bonus(points: i64) -> PointsCommand {
    PointsCommand::AwardBonus { points: Points::new(points), reason: BonusReason::Birthday, expires_at: None }
}

/// Points streams with deadlines, under kind `points`.
pub fn points_store<D: Clone>(db: &D) -> Store<PointsAccount, D> {
    Store::new(db.clone(), "points")
        .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline)
}

/// A command id.
///
/// # Panics
///
/// For 0.
pub fn id(n: u128) -> customer_care::CommandId {
    customer_care::CommandId::from_u128(n).unwrap()
}
