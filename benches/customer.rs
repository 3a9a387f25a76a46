//! Customer aggregate: decide + apply of "record purchase" on a customer with 1,000 purchases.
//! Target (issue 2): ≥ 2 million per second, single-threaded.

// A bench measures wall time; the clock ban is for the library.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::customer::{Customer, CustomerCommand, Purchase};
use customer_care::{Command, CommandId, Currency, CustomerId, Money, OrderId};

const CHUNK: u64 = 1_000;

fn purchase_command(n: u64) -> Command<CustomerCommand> {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let at = t0 + TimeDelta::seconds(n as i64);
    let order = OrderId::new(&format!("HD-{n:08}")).unwrap();
    let purchase = Purchase::new(order, Money::from_minor(45_000 + (n % 100) as i64 * 1_000, Currency::VND), at);
    Command::new(CommandId::from_u128(u128::from(n) + 1).unwrap(), at, CustomerCommand::RecordPurchase(purchase))
}

fn customer_with(purchases: u64) -> Customer {
    let mut c = Customer::new(CustomerId::from_u128(7).unwrap());
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let register = Command::new(
        CommandId::from_u128(u128::MAX).unwrap(),
        t0,
        CustomerCommand::Register { profile: Default::default(), registered_at: None },
    );
    let commit = c.decide(&register).unwrap().accepted().unwrap();
    c.apply(&commit);
    for n in 0..purchases {
        let commit = c.decide(&purchase_command(n)).unwrap().accepted().unwrap();
        c.apply(&commit);
    }
    c
}

fn record_purchase(c: &mut Criterion) {
    let base = customer_with(1_000);
    let mut group = c.benchmark_group("customer");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decide_apply_record_purchase_1000_history", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let n = CHUNK.min(iters - done);
                let mut customer = base.clone();
                let commands: Vec<_> = (0..n).map(|i| purchase_command(1_000 + i)).collect();
                let start = Instant::now();
                for command in &commands {
                    if let Ok(decision) = customer.decide(black_box(command))
                        && let Some(commit) = decision.accepted()
                    {
                        customer.apply(&commit);
                    }
                }
                total += start.elapsed();
                black_box(&customer);
                done += n;
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, record_purchase);
criterion_main!(benches);
