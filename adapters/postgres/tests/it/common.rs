//! The server, a fresh schema per database, and the loyalty fixtures.

use std::sync::atomic::{AtomicU32, Ordering};

use customer_care::chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::loyalty::{BonusReason, ExpiryPolicy, ProgramSpec};
use customer_care::{AccountId, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand};
use customer_care_postgres::{Database, PostgresStore, postgres};

/// The server's URL, or `None` (with the reason on stderr) when the tests must skip.
///
/// # Panics
///
/// When `CUSTOMER_CARE_PG_REQUIRED` is set and no server is reachable: CI must not pass on skipped tests.
pub(crate) fn server() -> Option<String> {
    let required = std::env::var_os("CUSTOMER_CARE_PG_REQUIRED").is_some();
    let reason = match std::env::var("CUSTOMER_CARE_PG_URL") {
        Ok(url) => match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(_) => return Some(url),
            Err(e) => format!("the server at CUSTOMER_CARE_PG_URL={url} is not reachable: {e}"),
        },
        Err(_) => "CUSTOMER_CARE_PG_URL is not set (adapters/ci.sh starts a server and sets it)".to_owned(),
    };
    assert!(!required, "CUSTOMER_CARE_PG_REQUIRED is set, but {reason}");
    eprintln!("skipped: needs a PostgreSQL server: {reason}");
    None
}

/// A database in a schema of its own (unique per process and call), migrated.
pub(crate) fn fresh(url: &str) -> Database {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let schema = format!("t{}_{n}", std::process::id());
    let db = Database::connect_in_schema(url, &schema).unwrap();
    db.client().unwrap().batch_execute(&format!("SET search_path TO {schema}")).unwrap();
    db
}

/// The same schema, another connection (another writer).
pub(crate) fn reconnect(url: &str, db: &Database) -> Database {
    let schema: String = db.client().unwrap().query_one("SELECT current_schema()", &[]).unwrap().get(0);
    Database::connect_in_schema(url, &schema).unwrap()
}

/// 9:00 UTC on `day` January 2026 (days past 31 run on).
pub(crate) fn jan(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + TimeDelta::days(day - 1)
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
pub(crate) fn points_store(db: &Database) -> PostgresStore<PointsAccount> {
    db.store::<PointsAccount>("points")
        .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline)
}
