//! Shared fixtures: a loyalty program with rolling expiry, points accounts, fixed instants.

use customer_care::chrono::{DateTime, TimeZone, Utc};
use customer_care::loyalty::{BonusReason, ExpiryPolicy, ProgramSpec};
use customer_care::{AccountId, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand};
use customer_care_sqlite::{Database, SqliteStore};

/// 9:00 UTC on `day` January 2026 (days past 31 run into February and on).
pub(crate) fn jan(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + chrono::TimeDelta::days(day - 1)
}

/// One point per dollar; points expire one month after they are earned.
pub(crate) fn program() -> LoyaltyProgram {
    LoyaltyProgram::new(
        ProgramSpec::new(customer_care::chrono_tz::UTC, Money::from_minor(100, Currency::USD), 1)
            .expiry(ExpiryPolicy::RollingMonths { months: 1 }),
    )
    .unwrap()
}

pub(crate) fn account(n: u64) -> PointsAccount {
    PointsAccount::new(AccountId::from_u128(0xACC0_0000 + u128::from(n)).unwrap())
}

pub(crate) fn bonus(points: i64) -> PointsCommand {
    PointsCommand::AwardBonus { points: Points::new(points), reason: BonusReason::Birthday, expires_at: None }
}

/// Points streams with deadlines.
pub(crate) fn points_store(db: &Database) -> SqliteStore<PointsAccount> {
    db.store::<PointsAccount>("points")
        .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline)
}
