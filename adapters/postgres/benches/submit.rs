//! Commands per second through `host::Host::submit` into PostgreSQL (the server at `CUSTOMER_CARE_PG_URL`, a
//! schema of its own): 1,000 points accounts, one stream each, deadlines kept; one command per append, and
//! batches of 10 commands appended at once. `adapters/postgres/bench.sh` runs it beside `pgbench` on the same
//! server. Without a server it says so and measures nothing.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::chrono::{DateTime, TimeZone, Utc};
use customer_care::host::{CommitStore, Host, ManualClock};
use customer_care::loyalty::{BonusReason, ExpiryPolicy, ProgramSpec};
use customer_care::stream::Command;
use customer_care::{
    AccountId, Aggregate, CommandId, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand,
};
use customer_care_postgres::Database;

const ACCOUNTS: usize = 1_000;

fn bonus() -> PointsCommand {
    PointsCommand::AwardBonus { points: Points::new(3), reason: BonusReason::Birthday, expires_at: None }
}

fn submit(c: &mut Criterion) {
    let t0: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    let program = LoyaltyProgram::new(
        ProgramSpec::new(customer_care::chrono_tz::UTC, Money::from_minor(100, Currency::USD), 1)
            .expiry(ExpiryPolicy::RollingMonths { months: 12 }),
    )
    .unwrap();
    let Ok(url) = std::env::var("CUSTOMER_CARE_PG_URL") else {
        eprintln!("skipped: set CUSTOMER_CARE_PG_URL to a PostgreSQL server (adapters/postgres/bench.sh starts one)");
        return;
    };
    let db = Database::connect_in_schema(&url, &format!("bench_{}", std::process::id())).unwrap();
    let store = db
        .store::<PointsAccount>("points")
        .with_deadlines(|id| AccountId::new(id).ok().map(PointsAccount::new), PointsAccount::next_deadline)
        .snapshot_every(100);
    let mut host = Host::new(store, ManualClock::new(t0));
    let mut accounts: Vec<PointsAccount> =
        (0..ACCOUNTS).map(|n| PointsAccount::new(AccountId::from_u128(1 + n as u128).unwrap())).collect();
    let mut next = 0u128;
    let mut id = move || {
        next += 1;
        CommandId::from_u128(next).unwrap()
    };
    let mut group = c.benchmark_group("postgres submit, 1,000 accounts");
    let mut turn = 0usize;
    group.throughput(Throughput::Elements(1));
    group.bench_function("single commands", |b| {
        b.iter(|| {
            turn = (turn + 1) % ACCOUNTS;
            black_box(host.submit(&mut accounts[turn], &program, id(), bonus()).unwrap());
        });
    });
    group.throughput(Throughput::Elements(10));
    group.bench_function("batches of 10 commands", |b| {
        b.iter(|| {
            turn = (turn + 1) % ACCOUNTS;
            let state = &mut accounts[turn];
            let mut after = state.clone();
            let mut batch = Vec::with_capacity(10);
            for _ in 0..10 {
                let commit = after.decide(&program, &Command::new(id(), t0, bonus())).unwrap().accepted().unwrap();
                after.apply(&commit);
                batch.push(commit);
            }
            host.store_mut().append(state.stream_id(), state.version(), &batch).unwrap();
            *state = after;
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = submit
}
criterion_main!(benches);
