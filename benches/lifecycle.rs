//! Lifecycle benches against `lifetimes` 0.11.3 (see notes/lifecycle.md for the figures and ratios):
//! BG/NBD fit on CDNOW, fit on 1,000,000 customers, P(alive) + expected purchases for 1,000,000 customers, and
//! summaries from the 69,659-row CDNOW master log.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use customer_care::lifecycle::{BgNbd, CustomerSummary, FitData, ParetoNbd, PurchaseModel, Span, TimeUnit, summarize};
use rust_decimal::Decimal;

const SUMMARY: &str = include_str!("../tests/data/cdnow_customers_summary.csv");
const MASTER: &str = include_str!("../tests/data/CDNOW_master.txt");

#[path = "../tests/it/common/rng.rs"]
mod rng;

use rng::Rng;

fn cdnow_summaries() -> Vec<CustomerSummary> {
    SUMMARY
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            CustomerSummary::new(f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap(), TimeUnit::Week)
                .unwrap()
        })
        .collect()
}

/// A million CDNOW-like customers (BG/NBD with the CDNOW estimates, in days), first purchases over 12 weeks,
/// observed for 39 weeks after the cohort's start: day-resolution logs, as a retailer would have.
fn million() -> Vec<CustomerSummary> {
    let (r, alpha, a, b) = (0.243, 4.414 * 7.0, 0.793, 2.426);
    let mut rng = Rng(42);
    (0..1_000_000)
        .map(|i| {
            let age = f64::from(273 - (i % 84));
            let lambda = rng.gamma(r) / alpha;
            let ga = rng.gamma(a);
            let p = ga / (ga + rng.gamma(b));
            let (mut t, mut x, mut tx) = (0.0f64, 0u32, 0.0f64);
            loop {
                t += -rng.uniform().ln() / lambda;
                if t > age {
                    break;
                }
                if t.floor() > tx {
                    x += 1;
                    tx = t.floor();
                }
                if rng.uniform() < p {
                    break;
                }
            }
            CustomerSummary::new(x, tx, age, TimeUnit::Day).unwrap()
        })
        .collect()
}

fn master_log() -> Vec<(u32, NaiveDate, Decimal)> {
    MASTER
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].parse().unwrap(), NaiveDate::parse_from_str(f[1], "%Y%m%d").unwrap(), f[3].parse().unwrap())
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let cdnow = cdnow_summaries();
    c.bench_function("bg_nbd_fit_cdnow", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&cdnow)).unwrap();
            BgNbd::fit(&data).unwrap()
        })
    });

    c.bench_function("pareto_nbd_fit_cdnow", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&cdnow)).unwrap();
            ParetoNbd::fit(&data).unwrap()
        })
    });

    let population = million();
    let mut slow = c.benchmark_group("million");
    slow.sample_size(10);
    slow.bench_function("bg_nbd_fit_1m", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&population)).unwrap();
            BgNbd::fit(&data).unwrap()
        })
    });
    slow.bench_function("compress_1m", |bench| bench.iter(|| FitData::from_summaries(black_box(&population)).unwrap()));
    let model = BgNbd::new(0.243, 4.414 * 7.0, 0.793, 2.426, TimeUnit::Day).unwrap();
    let horizon = Span::days(273.0).unwrap();
    slow.bench_function("p_alive_and_expected_1m", |bench| {
        bench.iter(|| model.predict_all(black_box(&population), horizon).unwrap())
    });
    slow.finish();

    let log = master_log();
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap();
    c.bench_function("summaries_cdnow_master", |bench| {
        bench.iter(|| summarize(black_box(&log), TimeUnit::Week, end).unwrap())
    });
}

criterion_group!(lifecycle, benches);
criterion_main!(lifecycle);
