//! Survey metrics: tally 10 million NPS answers given as bytes, and merge 1,000 shard tallies.
//! Target (issue 6): ≥ 1 billion answers per second for the tally (memory-bound counting).
//! Peer: pandas `Series.value_counts` on the same 10 million answers (`benches/peers/pandas_value_counts.py`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::metrics::NpsTally;
use customer_care::stats::{ConfidenceLevel, NetMethod, ProportionMethod, VarianceMethod};

const ANSWERS: usize = 10_000_000;
const SHARDS: usize = 1_000;

/// NPS answers from a seeded xorshift64*: 25 % detractors, 30 % passives, 45 % promoters. The peer script
/// implements the same generator, so both sides count the same bytes.
fn answers(n: usize) -> Vec<u8> {
    // Per-cent buckets: 0–24 → 0..=6 spread, 25–54 → 7/8, 55–99 → 9/10.
    let table: Vec<u8> = (0..100u8)
        .map(|b| match b {
            0..=24 => b % 7,
            25..=54 => 7 + b % 2,
            _ => 9 + b % 2,
        })
        .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
            table[((r >> 32) % 100) as usize]
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = answers(ANSWERS);

    let mut group = c.benchmark_group("nps");
    group.throughput(Throughput::Elements(ANSWERS as u64));
    group.bench_function("tally_10m_bytes", |b| {
        b.iter(|| {
            let mut t = NpsTally::default();
            t.add_values(black_box(&data)).unwrap();
            black_box(t)
        })
    });

    let shards: Vec<NpsTally> = data
        .chunks(ANSWERS / SHARDS)
        .map(|chunk| {
            let mut t = NpsTally::default();
            t.add_values(chunk).unwrap();
            t
        })
        .collect();
    group.throughput(Throughput::Elements(SHARDS as u64));
    group.bench_function("merge_1000_shards", |b| {
        b.iter(|| {
            let mut total = NpsTally::default();
            for s in black_box(&shards) {
                total.merge(s).unwrap();
            }
            black_box(total)
        })
    });

    let mut all = NpsTally::default();
    all.add_values(&data).unwrap();
    // The same counts as pandas printed for the peer script's copy of the data.
    let expected =
        [399_922, 400_026, 399_453, 399_254, 299_027, 298_782, 300_494, 1_502_406, 1_499_406, 2_197_840, 2_303_390];
    assert_eq!(all.counts().iter().map(|&(_, c)| c).collect::<Vec<_>>(), expected);
    group.throughput(Throughput::Elements(1));
    let level = ConfidenceLevel::default();
    group.bench_function("nps_adjusted_wald_estimate", |b| {
        b.iter(|| black_box(&all).nps(level, NetMethod::AdjustedWald).unwrap())
    });
    group.bench_function("top_box_clopper_pearson_estimate", |b| {
        b.iter(|| black_box(&all).top_box(level, ProportionMethod::ClopperPearson).unwrap())
    });
    group.bench_function("mean_t_estimate", |b| b.iter(|| black_box(&all).mean(level).unwrap()));
    group.bench_function("nps_iterative_score_estimate", |b| {
        b.iter(|| black_box(&all).nps(level, NetMethod::IterativeScore).unwrap())
    });
    group.bench_function("nps_linearized_sample", |b| {
        b.iter(|| black_box(&all).net_sample_with(VarianceMethod::Linearized).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
