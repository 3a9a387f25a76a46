//! Scale-out in miniature: customers partitioned over shards by id, each shard processed on its own thread with
//! its own store, and the shards' partial reports merged — checked equal to one pass over everyone.
//!
//! Every aggregate (a customer, a points account, a prepaid account) is one stream keyed by its id, and no command
//! touches two streams, so any partitioning by id is safe: a shard is just a subset of streams. What crosses shards
//! are reports, and the crate's reports are built to merge exactly:
//! - [`LiabilityReport::merge`]: stored-value owed and breakage (exact money, associative and commutative);
//! - [`Breakdown::merge`] / `Tally::merge`: NPS and CSAT counts per store, merged before any estimate is taken;
//! - lifecycle: per-customer summaries are independent; the shards' [`FitData`] patterns merge into the same
//!   weighted patterns as one pass, so a BG/NBD fit on them is the same fit. (On this chain's data the plain fit
//!   has no interior maximum — every customer drops out at about the same rate — so the example fits with the
//!   small L2 penalty of [`FitOptions::penalized`].)
//!
//! Run with `cargo run --release --example shards`. See `notes/scale-out.md` for the production picture.

use std::collections::BTreeMap;
use std::error::Error;
use std::thread;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use customer_care::host::{Host, MemoryStore};
use customer_care::lifecycle::{BgNbd, FitData, FitOptions, Pattern, TimeUnit, summarize};
use customer_care::metrics::{Breakdown, CsatScale, CsatScore, Label, NpsScale, NpsScore, Response};
use customer_care::stats::{ConfidenceLevel, NetMethod};
use customer_care::wallet::{BonusExpiry, BonusTier, LiabilityReport, StoredValueSpec};
use customer_care::{
    AccountId, CommandId, Currency, Money, OrderId, PaymentRef, StoredValueAccount, StoredValueProgram, WalletCommand,
};
use rust_decimal::Decimal;

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;
type Store = MemoryStore;

const SHARDS: u64 = 4;
const CUSTOMERS: u64 = 4_000;
const STORES: [&str; 3] = ["HCM-Q1", "HCM-Q3", "HCM-TD"];

/// SplitMix64 (the tests' generator), seeded per customer: a customer's year does not depend on which shard runs
/// it.
#[path = "../tests/it/common/rng.rs"]
mod rng;
use rng::Rng;

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// The shard of a customer: a hash of the id, as a partitioned store would route it.
fn shard_of(customer: u64) -> u64 {
    Rng(customer).next_u64() % SHARDS
}

/// What one shard knows: partial reports over its customers.
#[derive(Clone, Debug, PartialEq)]
struct Partial {
    liability: LiabilityReport,
    nps: Breakdown<Label, NpsScore>,
    csat: Breakdown<Label, CsatScore>,
    patterns: Vec<Pattern>,
    commits: usize,
}

impl Partial {
    fn new() -> Self {
        Self {
            liability: LiabilityReport::new(Currency::VND),
            nps: Breakdown::new(NpsScale),
            csat: Breakdown::new(CsatScale::FIVE_POINT),
            patterns: Vec::new(),
            commits: 0,
        }
    }

    /// The union of two disjoint shards.
    fn merge(&self, other: &Self) -> Result<Self> {
        let mut nps = self.nps.clone();
        nps.merge(&other.nps)?;
        let mut csat = self.csat.clone();
        csat.merge(&other.csat)?;
        let mut patterns = self.patterns.clone();
        patterns.extend(other.patterns.iter().cloned());
        Ok(Self {
            liability: self.liability.merge(&other.liability)?,
            nps,
            csat,
            patterns: FitData::from_patterns(TimeUnit::Week, patterns)?.patterns().to_vec(),
            commits: self.commits + other.commits,
        })
    }
}

/// Prepaid cards: 5 % bonus from 500,000 VND, 10 % from 1,000,000 VND, bonus valid 60 days.
fn program() -> Result<StoredValueProgram> {
    let spec = StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND)
        .bonus(BonusTier::percent(vnd(500_000), 5))
        .bonus(BonusTier::percent(vnd(1_000_000), 10))
        .bonus_expiry(BonusExpiry::Days { days: 60 });
    Ok(StoredValueProgram::new(spec)?)
}

/// One customer's year, into `partial`: prepaid top-ups and spends through the host loop on the shard's store,
/// survey answers, and the purchase days for the lifecycle log.
fn customer_year(
    n: u64,
    program: &StoredValueProgram,
    store: &mut Store,
    partial: &mut Partial,
    log: &mut Vec<(u64, NaiveDate, Decimal)>,
) -> Result<()> {
    let mut rng = Rng(0x5EED ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let id = AccountId::from_u128((3 << 64) | u128::from(n))?;
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 2, 0, 0).single().ok_or("no such instant")?;
    let mut at: DateTime<Utc> = start + TimeDelta::hours(rng.below(24 * 200) as i64);
    let shop = rng.below(3) as usize;
    let home = STORES[shop];
    let visits = 1 + rng.below(40);
    // A personal rhythm, and a chance of never coming back after each visit.
    let gap_hours = 24 * (2 + rng.below(30));
    let dropout = 2 + rng.below(15);
    let mut account = StoredValueAccount::new(id, Currency::VND);
    for visit in 0..visits {
        at += TimeDelta::hours(12 + rng.below(gap_hours) as i64);
        if at.year() > 2026 {
            break;
        }
        let amount = vnd(20_000 + 1_000 * rng.below(60) as i64);
        let mut bodies = Vec::new();
        if account.money_available().minor_units() < amount.minor_units() {
            let top_up = vnd([200_000, 500_000, 1_000_000][rng.below(3) as usize]);
            bodies.push(WalletCommand::TopUp { payment: PaymentRef::new(&format!("P-{n}-{visit}"))?, amount: top_up });
        }
        bodies.push(WalletCommand::Spend { order: OrderId::new(&format!("O-{n}-{visit}"))?, amount, tags: vec![] });
        for (k, body) in bodies.into_iter().enumerate() {
            let command = CommandId::from_u128((u128::from(n) << 32) | (u128::from(visit) << 4) | (k as u128 + 1))?;
            // The shard's host keeps the account in memory: the loop loads only commits after its version. Its clock
            // reads the simulated instant.
            Host::new(&mut *store, || at).submit(&mut account, program, command, body)?;
            partial.commits += 1;
        }
        log.push((n, at.date_naive(), amount.amount()));
        if rng.below(100) < dropout {
            break;
        }
        if rng.below(5) == 0 {
            let label: Label = home.parse()?;
            let score = ([7, 6, 4][shop] + rng.below(7)).min(10) as u8;
            partial.nps.add(Some(label.clone()), &Response::new(NpsScore::new(score)?))?;
            let csat = CsatScore::new(CsatScale::FIVE_POINT, 1 + (score / 3).min(4))?;
            partial.csat.add(Some(label), &Response::new(csat))?;
        }
    }
    // The year-end sweep: bonus that expired is breakage.
    let end = Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).single().ok_or("no such instant")?;
    if account.next_deadline().is_some_and(|d| d <= end) {
        let command = CommandId::from_u128((u128::from(n) << 32) | 0xF)?;
        Host::new(&mut *store, || end).submit(&mut account, program, command, WalletCommand::ProcessDue)?;
        partial.commits += 1;
    }
    if account.version() > 0 {
        partial.liability.add(&account)?;
    }
    Ok(())
}

/// One shard (or, with `shard = None`, everyone): its own store, its customers in id order.
fn run(shard: Option<u64>, program: &StoredValueProgram) -> Result<Partial> {
    let mut store = Store::default();
    let mut partial = Partial::new();
    let mut log = Vec::new();
    for n in (0..CUSTOMERS).filter(|n| shard.is_none_or(|s| shard_of(*n) == s)) {
        customer_year(n, program, &mut store, &mut partial, &mut log)?;
    }
    let last_day = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("no such day")?;
    let summaries = summarize(&log, TimeUnit::Week, last_day)?;
    partial.patterns = summaries.fit_data()?.patterns().to_vec();
    Ok(partial)
}

fn main() -> std::result::Result<(), Box<dyn Error + Send + Sync>> {
    let program = program()?;

    // One pass over everyone.
    let single = run(None, &program)?;

    // The same customers over shards, one thread each, then merged (in shard order, and in reverse).
    let partials: Vec<Partial> = thread::scope(|scope| {
        let handles: Vec<_> = (0..SHARDS)
            .map(|s| {
                scope.spawn({
                    let program = &program;
                    move || run(Some(s), program)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().map_err(|_| "shard thread panicked")?).collect::<Result<Vec<_>>>()
    })?;
    let mut merged = Partial::new();
    for p in &partials {
        merged = merged.merge(p)?;
    }
    let mut reversed = Partial::new();
    for p in partials.iter().rev() {
        reversed = reversed.merge(p)?;
    }
    // A single pass's patterns are already merged; so are the merged shards'.
    assert_eq!(merged, reversed, "merge order must not matter");
    assert_eq!(merged, single, "the merged shards must equal one pass");

    println!("{CUSTOMERS} customers over {SHARDS} shards ({} commits in all)", merged.commits);
    for (s, p) in partials.iter().enumerate() {
        println!(
            "  shard {s}: {:>4} prepaid accounts, {:>5} commits, {:>4} survey answers, owed {}",
            p.liability.accounts(),
            p.commits,
            p.nps.total()?.n(),
            p.liability.liability()?
        );
    }
    let level = ConfidenceLevel::default();
    println!(
        "merged: owed {} (principal {}, bonus {}), bonus breakage {}",
        merged.liability.liability()?,
        merged.liability.principal_outstanding(),
        merged.liability.bonus_outstanding(),
        merged.liability.bonus_breakage()
    );
    let mut by_store = BTreeMap::new();
    for (store, tally) in merged.nps.groups() {
        let e = tally.nps(level, NetMethod::AdjustedWald)?;
        by_store.insert(store.as_str().to_owned(), format!("{:.1} (n {})", e.with_interval(), tally.n()));
    }
    println!("merged NPS: {}", by_store.iter().map(|(s, e)| format!("{s} {e}")).collect::<Vec<_>>().join(", "));
    let data = FitData::from_patterns(TimeUnit::Week, merged.patterns)?;
    println!(
        "merged lifecycle fit data: {} customers in {} distinct (x, t_x, T) patterns",
        data.patterns().iter().map(|p| p.weight).sum::<f64>(),
        data.patterns().len()
    );
    match BgNbd::fit(&data) {
        Err(plain) => println!("plain BG/NBD fit: {plain}"),
        Ok((model, _)) => println!("plain BG/NBD fit converged after all: {model:?} (the penalty below is not needed)"),
    }
    let (model, report) = BgNbd::fit_with(&data, &FitOptions::penalized(0.001)?)?;
    println!(
        "BG/NBD with penalty 0.001: r {:.3}, alpha {:.3} weeks, a {:.3}, b {:.3} (log-likelihood {:.1}, {} iterations)",
        model.r(),
        model.alpha(),
        model.a(),
        model.b(),
        report.log_likelihood,
        report.iterations
    );
    println!("the merged shards equal one pass: liability, NPS and CSAT tallies, lifecycle fit data");
    Ok(())
}
