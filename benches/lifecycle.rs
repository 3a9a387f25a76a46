//! Lifecycle benches, each with a peer in `benches/peers/lifetimes_peer.py` (Python `lifetimes` 0.11.3 and pandas)
//! timed on the same rows by `benches/peers/run.sh`, which prints both sides and the ratio.
//!
//! The simulated customers come in two shapes, at 100,000 and 1,000,000 customers each:
//! - **day**: a day-resolution log (recency and age in whole days, in weeks): many customers share `(x, T)`, so
//!   the fit's pattern compression and the memo of `predict_all` do much of the work;
//! - **continuous**: timestamps (recency and age in fractional weeks): every customer is distinct.
//!
//! With `CARE_PEER_DATA=<dir>` set, the bench also writes the rows it times to `<dir>/<shape>_<n>.csv`
//! (`frequency,recency,T,monetary_value`), so the peer reads exactly these rows.

use std::hint::black_box;
use std::io::Write;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use customer_care::lifecycle::{
    BgBb, BgNbd, ClvSettings, CustomerSummary, FitData, GammaGamma, OpportunityHistory, ParetoNbd, PurchaseModel, Span,
    TimeUnit, summarize,
};
use rust_decimal::Decimal;

const SUMMARY: &str = include_str!("../tests/data/cdnow_customers_summary.csv");
const MASTER: &str = include_str!("../tests/data/CDNOW_master.txt");

#[path = "../tests/it/common/rng.rs"]
mod rng;

use rng::Rng;

/// The published CDNOW BG/NBD estimates (weeks), used to simulate and to predict.
const CDNOW_BG: [f64; 4] = [0.243, 4.414, 0.793, 2.426];
/// The published CDNOW Gamma-Gamma estimates, used to simulate spends and for CLV.
const CDNOW_GG: [f64; 3] = [6.25, 3.74, 15.44];

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

/// How the simulated log records time.
#[derive(Clone, Copy)]
enum Shape {
    /// Purchase days: recency and age are whole days (expressed in weeks).
    Day,
    /// Timestamps: recency and age are exact (fractional weeks); no two customers share a pattern.
    Continuous,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Continuous => "continuous",
        }
    }
}

/// `n` CDNOW-like customers: BG/NBD with the CDNOW estimates, first purchases spread over 12 weeks, observed until
/// week 39 (ages 27 to 39 weeks); spends from Gamma-Gamma with the CDNOW estimates, in cents.
fn simulate(n: usize, shape: Shape) -> Vec<CustomerSummary> {
    let [r, alpha, a, b] = CDNOW_BG;
    let [p, q, gamma] = CDNOW_GG;
    let mut rng = Rng(42);
    (0..n)
        .map(|i| {
            let age = match shape {
                Shape::Day => f64::from(273 - (i % 84) as u32) / 7.0,
                Shape::Continuous => 39.0 - 12.0 * rng.uniform(),
            };
            let lambda = rng.gamma(r) / alpha;
            let drop = rng.beta(a, b);
            let (mut t, mut x, mut tx) = (0.0f64, 0u32, 0.0f64);
            loop {
                t += -rng.uniform().ln() / lambda;
                if t > age {
                    break;
                }
                let at = match shape {
                    Shape::Day => (t * 7.0).floor() / 7.0,
                    Shape::Continuous => t,
                };
                if at > tx {
                    x += 1;
                    tx = at;
                }
                if rng.uniform() < drop {
                    break;
                }
            }
            let nu = rng.gamma(q) / gamma;
            let mean = if x == 0 { 0.0 } else { rng.gamma(p * f64::from(x)) / nu / f64::from(x) };
            let cents = Decimal::new((mean * 100.0).round() as i64, 2);
            CustomerSummary::new(x, tx, age, TimeUnit::Week).unwrap().with_monetary_value(cents)
        })
        .collect()
}

/// The directory named by `CARE_PEER_DATA`, if any: where the rows and the results are written for the peer.
fn peer_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("CARE_PEER_DATA").map(std::path::PathBuf::from)
}

/// Writes `rows` for the peer.
fn write_for_peer(name: &str, rows: &[CustomerSummary]) {
    let Some(dir) = peer_dir() else { return };
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{name}.csv"))).unwrap());
    writeln!(out, "frequency,recency,T,monetary_value").unwrap();
    for c in rows {
        writeln!(out, "{},{:?},{:?},{}", c.frequency(), c.recency(), c.age(), c.monetary_value()).unwrap();
    }
}

/// Records what a bench computed (fitted parameters, sums of predictions), for the runner to print beside the
/// peer's: the two sides must agree before their times are compared.
fn check(id: &str, values: &[f64]) {
    let Some(dir) = peer_dir() else { return };
    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("rust_checks.jsonl")).unwrap();
    let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    writeln!(out, "{{\"id\": \"{id}\", \"check\": [{}]}}", list.join(", ")).unwrap();
}

fn parameters(report: &customer_care::lifecycle::FitReport) -> Vec<f64> {
    report.parameters.iter().map(|p| p.value).collect()
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

fn cdnow(c: &mut Criterion) {
    let cdnow = cdnow_summaries();
    let data = FitData::from_summaries(&cdnow).unwrap();
    check("cdnow/bg_nbd_fit", &parameters(&BgNbd::fit(&data).unwrap().1));
    check("cdnow/pareto_nbd_fit", &parameters(&ParetoNbd::fit(&data).unwrap().1));
    let mut group = c.benchmark_group("cdnow");
    group.bench_function("bg_nbd_fit", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&cdnow)).unwrap();
            BgNbd::fit(&data).unwrap()
        })
    });
    group.bench_function("pareto_nbd_fit", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&cdnow)).unwrap();
            ParetoNbd::fit(&data).unwrap()
        })
    });
    let log = master_log();
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap();
    let summaries = summarize(&log, TimeUnit::Week, end).unwrap();
    let repeat: f64 = summaries.iter().map(|(_, s)| f64::from(s.frequency())).sum();
    check("cdnow/weekly_summaries", &[summaries.len() as f64, repeat]);
    group.bench_function("weekly_summaries", |bench| {
        bench.iter(|| summarize(black_box(&log), TimeUnit::Week, end).unwrap())
    });
    group.finish();
}

/// Fit, P(alive) + E[Y(39 weeks)], and CLV (12 steps of 4.345 weeks at 1 %) on one simulated population.
fn population(c: &mut Criterion, shape: Shape, n: usize) {
    let label = format!(
        "{}_{}",
        shape.name(),
        if n >= 1_000_000 { format!("{}m", n / 1_000_000) } else { format!("{}k", n / 1000) }
    );
    let rows = simulate(n, shape);
    write_for_peer(&label, &rows);
    let [r, alpha, a, b] = CDNOW_BG;
    let model = BgNbd::new(r, alpha, a, b, TimeUnit::Week).unwrap();
    let [p, q, gamma] = CDNOW_GG;
    let spend = GammaGamma::new(p, q, gamma).unwrap();
    let settings = ClvSettings::new(Span::weeks(4.345).unwrap(), 12, 0.01).unwrap();
    let horizon = Span::weeks(39.0).unwrap();
    if peer_dir().is_some() {
        let fitted = BgNbd::fit(&FitData::from_summaries(&rows).unwrap()).unwrap().1;
        check(&format!("{label}/bg_nbd_fit"), &parameters(&fitted));
        let predicted = model.predict_all(&rows, horizon).unwrap();
        let alive: f64 = predicted.iter().map(|p| p.p_alive).sum();
        let expected: f64 = predicted.iter().map(|p| p.expected_purchases).sum();
        check(&format!("{label}/predict"), &[alive, expected]);
        let values = settings.lifetime_values(&model, &spend, &rows).unwrap();
        check(&format!("{label}/clv"), &[values.iter().sum()]);
    }
    let mut group = c.benchmark_group(label);
    group.sample_size(10);
    group.bench_function("bg_nbd_fit", |bench| {
        bench.iter(|| {
            let data = FitData::from_summaries(black_box(&rows)).unwrap();
            BgNbd::fit(&data).unwrap()
        })
    });
    group.bench_function("compress", |bench| bench.iter(|| FitData::from_summaries(black_box(&rows)).unwrap()));
    group.bench_function("predict", |bench| bench.iter(|| model.predict_all(black_box(&rows), horizon).unwrap()));
    group.bench_function("clv", |bench| {
        bench.iter(|| settings.lifetime_values(&model, &spend, black_box(&rows)).unwrap())
    });
    group.finish();
}

fn populations(c: &mut Criterion) {
    for shape in [Shape::Day, Shape::Continuous] {
        for n in [100_000, 1_000_000] {
            population(c, shape, n);
        }
    }
}

/// The BG/BB fit on the FHS (2010) donations data (11,104 donors in 22 patterns, 6 opportunities), from the CSV
/// text as the peer reads it.
fn donations(c: &mut Criterion) {
    let parse = |text: &str| -> Vec<(OpportunityHistory, f64)> {
        text.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<u32> = l.split(',').map(|v| v.trim().parse().unwrap()).collect();
                (OpportunityHistory::new(f[0], f[1], f[2]).unwrap(), f64::from(f[3]))
            })
            .collect()
    };
    let (model, _) = BgBb::fit(&parse(DONATIONS)).unwrap();
    check("donations/bg_bb_fit", &[model.alpha(), model.beta(), model.gamma(), model.delta()]);
    let mut group = c.benchmark_group("donations");
    group.bench_function("bg_bb_fit", |bench| bench.iter(|| BgBb::fit(&parse(black_box(DONATIONS))).unwrap()));
    group.finish();
}

const DONATIONS: &str = include_str!("../tests/data/donations.csv");

criterion_group!(lifecycle, cdnow, populations, donations);
criterion_main!(lifecycle);
