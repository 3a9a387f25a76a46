//! The submit bench every adapter runs on its database.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use customer_care::host::{CommitStore, Host, ManualClock};
use customer_care::loyalty::{BonusReason, ExpiryPolicy, ProgramSpec};
use customer_care::stream::Command;
use customer_care::{AccountId, Aggregate, Currency, LoyaltyProgram, Money, Points, PointsAccount, PointsCommand};

use super::{id, jan, points_store};
use crate::Engine;

const ACCOUNTS: usize = 1_000;

fn bonus() -> PointsCommand {
    PointsCommand::AwardBonus { points: Points::new(3), reason: BonusReason::Birthday, expires_at: None }
}

/// Commands per second through `Host::submit` into `db` (group `"{engine} submit, 1,000 accounts"`): 1,000
/// points accounts, one stream each, deadlines kept, a snapshot every 100 commits; one command per append, and
/// batches of 10 commands appended at once.
///
/// # Panics
///
/// When a submit fails.
pub fn bench_submit<D: Engine>(c: &mut Criterion, engine: &str, db: &D) {
    let t0 = jan(5);
    let program = LoyaltyProgram::new(
        ProgramSpec::new(customer_care::chrono_tz::UTC, Money::from_minor(100, Currency::USD), 1)
            .expiry(ExpiryPolicy::RollingMonths { months: 12 }),
    )
    .unwrap();
    let mut host = Host::new(points_store(db).snapshot_every(100), ManualClock::new(t0));
    let mut accounts: Vec<PointsAccount> =
        (0..ACCOUNTS).map(|n| PointsAccount::new(AccountId::from_u128(1 + n as u128).unwrap())).collect();
    let mut next = 0u128;
    let mut next_id = move || {
        next += 1;
        id(next)
    };
    let mut group = c.benchmark_group(format!("{engine} submit, 1,000 accounts"));
    let mut turn = 0usize;
    group.throughput(Throughput::Elements(1));
    group.bench_function("single commands", |b| {
        b.iter(|| {
            turn = (turn + 1) % ACCOUNTS;
            black_box(host.submit(&mut accounts[turn], &program, next_id(), bonus()).unwrap());
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
                let commit = after.decide(&program, &Command::new(next_id(), t0, bonus())).unwrap().accepted().unwrap();
                after.apply(&commit);
                batch.push(commit);
            }
            host.store_mut().append(state.stream_id(), state.version(), &batch).unwrap();
            *state = after;
        });
    });
    group.finish();
}
