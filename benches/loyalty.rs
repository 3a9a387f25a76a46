//! Loyalty hot paths: decide + apply of earn and redeem on an account with 1,000 live lots, and replay of 1,000,000
//! events.
//!
//! Run with `cargo bench --bench loyalty -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::ledger::LineId;
use customer_care::loyalty::{
    ExpiryPolicy, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsEvent, ProgramSpec, PurchaseLine,
};
use customer_care::rust_decimal::Decimal;
use customer_care::{AccountId, Command, CommandId, Commit, Currency, Decision, Money, OrderId};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid")
}

fn program() -> LoyaltyProgram {
    let usd = |m| Money::from_minor(m, Currency::USD);
    let mut spec = ProgramSpec::new(chrono_tz::America::New_York, usd(100), Decimal::new(15, 1))
        .redeem(Points::new(100), usd(100));
    spec.expiry = ExpiryPolicy::RollingMonths { months: 12 };
    LoyaltyProgram::new(spec).expect("valid program")
}

fn earn(n: u64, at: DateTime<Utc>) -> Command<PointsCommand> {
    Command::new(
        CommandId::from_u128(u128::from(n) + 1).expect("non-nil"),
        at,
        PointsCommand::EarnPoints {
            order: OrderId::new(&format!("R-{n}")).expect("valid"),
            lines: vec![PurchaseLine {
                line: LineId::new(1),
                amount: Money::from_minor(100_000, Currency::USD),
                tags: vec![],
            }],
        },
    )
}

fn redeem(n: u64, at: DateTime<Utc>) -> Command<PointsCommand> {
    Command::new(
        CommandId::from_u128(u128::from(n) + 1).expect("non-nil"),
        at,
        PointsCommand::RedeemPoints {
            order: OrderId::new(&format!("P-{n}")).expect("valid"),
            points: Points::new(7),
            order_total: Money::from_minor(5_000, Currency::USD),
        },
    )
}

fn run(account: &mut PointsAccount, program: &LoyaltyProgram, cmd: &Command<PointsCommand>) {
    if let Ok(Decision::Accepted(commit)) = account.decide(program, cmd) {
        account.apply(&commit);
    }
}

/// An account with 1,000 live lots of 1,500 points, each expiring on a different day.
fn account_with_lots(program: &LoyaltyProgram) -> (PointsAccount, u64, DateTime<Utc>) {
    let mut account = PointsAccount::new(AccountId::from_u128(1).expect("non-nil"));
    let mut at = t0();
    for n in 0..1_000 {
        run(&mut account, program, &earn(n, at));
        at += TimeDelta::hours(7);
    }
    assert_eq!(account.ledger().lots().count(), 1_000);
    (account, 1_000, at)
}

/// Commands run against one copy of the base account before it is reset, so the account stays between 1,000 and
/// 2,000 lots (and as many orders) instead of growing with the iteration count.
const CHUNK: u64 = 1_000;

// Benchmarks measure wall time; the crate itself never reads a clock.
#[allow(clippy::disallowed_methods)]
fn timed(
    base: &PointsAccount,
    program: &LoyaltyProgram,
    iters: u64,
    make: impl Fn(u64, DateTime<Utc>) -> Command<PointsCommand>,
    first_id: u64,
    start: DateTime<Utc>,
) -> Duration {
    let commands: Vec<_> = (0..iters.min(CHUNK))
        .map(|i| make(first_id + i, start + TimeDelta::milliseconds(i64::try_from(i).unwrap_or(0))))
        .collect();
    let mut elapsed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = usize::try_from(left.min(CHUNK)).unwrap_or(0);
        let mut account = base.clone();
        let begin = Instant::now();
        for cmd in &commands[..n] {
            run(&mut account, program, black_box(cmd));
        }
        elapsed += begin.elapsed();
        drop(black_box(account));
        left -= n as u64;
    }
    elapsed
}

fn commands(c: &mut Criterion) {
    let program = program();
    let (base, next, at) = account_with_lots(&program);
    let mut group = c.benchmark_group("points_account_1000_lots");
    group.throughput(Throughput::Elements(1));
    group.bench_function("earn_decide_apply", |b| {
        b.iter_custom(|iters| timed(&base, &program, iters, earn, next, at));
    });
    group.bench_function("redeem_decide_apply", |b| {
        b.iter_custom(|iters| timed(&base, &program, iters, redeem, next, at));
    });
    group.finish();
}

fn replay(c: &mut Criterion) {
    let program = program();
    let mut account = PointsAccount::new(AccountId::from_u128(1).expect("non-nil"));
    let mut log: Vec<Commit<PointsCommand, PointsEvent>> = Vec::with_capacity(1_000_000);
    let mut at = t0();
    let mut n = 0u64;
    let mut events = 0usize;
    while events < 1_000_000 {
        let cmd = if n.is_multiple_of(2) { earn(n, at) } else { redeem(n, at) };
        if let Ok(Decision::Accepted(commit)) = account.decide(&program, &cmd) {
            account.apply(&commit);
            events += commit.events.len();
            log.push(commit);
        }
        n += 1;
        at += TimeDelta::seconds(1);
    }
    let mut group = c.benchmark_group("points_account_replay");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::try_from(events).unwrap_or(0)));
    group.bench_function("replay_1m_events", |b| {
        b.iter_with_large_drop(|| {
            let replayed = PointsAccount::replay(PointsAccount::new(account.id()), black_box(&log)).expect("replays");
            assert_eq!(replayed.version(), account.version());
            replayed
        });
    });
    group.finish();
}

criterion_group!(benches, commands, replay);
criterion_main!(benches);
