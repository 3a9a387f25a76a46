//! Stored-value hot path: a spend with its e-receipt on an account with 1,000 lots.
//!
//! Run with `cargo bench --bench wallet -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::wallet::{
    Bonus, BonusExpiry, BonusTier, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand,
};
use customer_care::{AccountId, Command, CommandId, Currency, Decision, Money, OrderId, PaymentRef};

fn vnd(n: i64) -> Money {
    Money::from_minor(n, Currency::VND)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid")
}

fn program(bonus_from: Option<i64>) -> StoredValueProgram {
    let mut spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND);
    if let Some(min) = bonus_from {
        spec.bonus_tiers.push(BonusTier {
            min_top_up: vnd(min),
            bonus: Bonus::Percent { percent: "10".parse().expect("decimal") },
            restricted_to: vec![],
        });
    }
    spec.bonus_expiry = BonusExpiry::Days { days: 365 };
    StoredValueProgram::new(spec).expect("valid program")
}

/// An account with about 1,000 lots from top-ups of `amounts`, 7 hours apart (bonus lots expire on different days).
fn account_with_lots(program: &StoredValueProgram, amounts: &[i64]) -> (StoredValueAccount, DateTime<Utc>) {
    let mut account = StoredValueAccount::new(AccountId::from_u128(1).expect("non-nil"), Currency::VND);
    let mut at = t0();
    for (n, amount) in (0u64..).zip(amounts) {
        let cmd = Command::new(
            CommandId::from_u128(u128::from(n) + 1).expect("non-nil"),
            at,
            WalletCommand::TopUp { payment: PaymentRef::new(&format!("P-{n}")).expect("valid"), amount: vnd(*amount) },
        );
        if let Ok(Decision::Accepted(commit)) = account.decide(program, &cmd) {
            account.apply(&commit);
        }
        at += TimeDelta::hours(7);
    }
    assert!(account.ledger().lots().count() >= 1_000);
    (account, at)
}

/// 4,096 spends of `amount` at one instant, over 64 orders. Ids repeat only far outside the idempotency window.
fn spends(at: DateTime<Utc>, amount: i64) -> Vec<Command<WalletCommand>> {
    (0..4_096u128)
        .map(|i| {
            Command::new(
                CommandId::from_u128(1_000_000 + i).expect("non-nil"),
                at,
                WalletCommand::Spend {
                    order: OrderId::new(&format!("HD-{}", i % 64)).expect("valid"),
                    amount: vnd(amount),
                    tags: vec![],
                },
            )
        })
        .collect()
}

// Benchmarks measure wall time; the crate itself never reads a clock.
#[allow(clippy::disallowed_methods)]
fn decide_apply(
    base: &StoredValueAccount,
    program: &StoredValueProgram,
    pool: &[Command<WalletCommand>],
    iters: u64,
) -> Duration {
    let mut account = base.clone();
    let mut receipts = 0u64;
    let begin = Instant::now();
    for cmd in pool.iter().cycle().take(usize::try_from(iters).unwrap_or(usize::MAX)) {
        if let Ok(Decision::Accepted(commit)) = account.decide(program, black_box(cmd)) {
            receipts += u64::from(commit.events.iter().any(|e| e.receipt().is_some()));
            account.apply(&commit);
        }
    }
    let elapsed = begin.elapsed();
    assert_eq!(receipts, iters, "every spend yields a receipt");
    drop(black_box(account));
    elapsed
}

fn spend(c: &mut Criterion) {
    let mut group = c.benchmark_group("stored_value_1000_lots");
    group.throughput(Throughput::Elements(1));
    // 500 top-ups of 2,000,000 VND with a 10 % bonus each: 1,000 lots; the bonus covers each spend.
    let bonus_first = (program(Some(1_000_000)), vec![2_000_000; 500], 100);
    // 1,000 top-ups without a bonus tier.
    let principal_only = (program(None), vec![2_000_000; 1_000], 100);
    for (name, (program, amounts, amount)) in [("bonus_first", bonus_first), ("principal_only", principal_only)] {
        let (base, at) = account_with_lots(&program, &amounts);
        let pool = spends(at, amount);
        group.bench_function(format!("spend_with_receipt_decide/{name}"), |b| {
            let mut i = 0usize;
            b.iter(|| {
                i = (i + 1) % pool.len();
                black_box(base.decide(&program, black_box(&pool[i])))
            });
        });
        group.bench_function(format!("spend_with_receipt_decide_apply/{name}"), |b| {
            b.iter_custom(|iters| decide_apply(&base, &program, &pool, iters));
        });
    }
    // The slow path: 1,000 principal lots and one 300,000 VND bonus lot; a spend of 400,000 VND takes the whole
    // bonus, and the engine's category order walks every lot to find it (see notes/wallet.md).
    let program = program(Some(3_000_000));
    let mut amounts = vec![2_000_000; 1_000];
    amounts.push(3_000_000);
    let (base, at) = account_with_lots(&program, &amounts);
    let pool = spends(at, 400_000);
    group.bench_function("spend_with_receipt_decide/bonus_partly_covers", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(base.decide(&program, black_box(&pool[i])))
        });
    });
    group.finish();
}

criterion_group!(benches, spend);
criterion_main!(benches);
