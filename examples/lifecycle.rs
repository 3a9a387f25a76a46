//! CDNOW (Fader & Hardie's sample of 2,357 customers) end to end: summaries from the purchase log, BG/NBD,
//! MBG/NBD and Gamma-Gamma fits, lifecycle stages, and the ten most valuable customers by CLV.
//!
//! Run with `cargo run --example lifecycle`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use customer_care::lifecycle::{
    Activity, BgNbd, ClvSettings, CustomerSummary, GammaGamma, LifecyclePolicy, ModifiedBgNbd, PolicyConfig,
    PurchaseModel, Span, Stage, TimeUnit, summarize,
};
use rust_decimal::Decimal;

const SAMPLE: &str = include_str!("../tests/data/CDNOW_sample.txt");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The log: (customer, day, dollars). Calibration period: 1997-01-01 to 1997-09-30 (39 weeks).
    let mut log: Vec<(u32, NaiveDate, Decimal)> = Vec::new();
    for line in SAMPLE.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let [_, id, day, _, dollars] = f[..] {
            log.push((id.parse()?, NaiveDate::parse_from_str(day, "%Y%m%d")?, dollars.parse()?));
        }
    }
    let end = NaiveDate::from_ymd_opt(1997, 9, 30).ok_or("bad date")?;
    let summaries = summarize(&log, TimeUnit::Week, end)?;
    println!("{} purchases, {} customers, calibration to {end}", log.len(), summaries.len());

    // 2. Models.
    let data = summaries.fit_data()?;
    let (bg, report) = BgNbd::fit(&data)?;
    println!(
        "BG/NBD  r = {:.3}, alpha = {:.3}, a = {:.3}, b = {:.3}; LL = {:.1} ({} iterations)",
        bg.r(),
        bg.alpha(),
        bg.a(),
        bg.b(),
        report.log_likelihood,
        report.iterations
    );
    let (mbg, report) = ModifiedBgNbd::fit(&data)?;
    println!(
        "MBG/NBD r = {:.3}, alpha = {:.3}, a = {:.3}, b = {:.3}; LL = {:.1}",
        mbg.r(),
        mbg.alpha(),
        mbg.a(),
        mbg.b(),
        report.log_likelihood
    );
    let rows: Vec<CustomerSummary> = summaries.iter().map(|(_, s)| *s).collect();
    let (spend, _) = GammaGamma::fit(&rows)?;
    println!(
        "Gamma-Gamma p = {:.2}, q = {:.2}, gamma = {:.2}; mean spend per purchase ${:.2}",
        spend.p(),
        spend.q(),
        spend.gamma(),
        spend.population_mean_spend()
    );

    // 3. Stages as of the end of calibration, rules plus the MBG/NBD P(alive) (one-time buyers can be lost).
    let mut config = PolicyConfig::default();
    config.p_alive_aging_below = Some(0.5);
    config.p_alive_lost_below = Some(0.2);
    let policy = LifecyclePolicy::new(config)?;
    let noon = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap_or_default());
    let mut activity: BTreeMap<u32, Activity> = BTreeMap::new();
    let mut days: BTreeMap<(u32, NaiveDate), ()> = BTreeMap::new();
    for (id, day, dollars) in log.iter().filter(|p| p.1 <= end) {
        let a = activity.entry(*id).or_insert_with(|| Activity {
            registered_at: noon(*day),
            first_purchase_at: Some(noon(*day)),
            last_purchase_at: Some(noon(*day)),
            purchases: 0,
            spend: Decimal::ZERO,
        });
        a.first_purchase_at = a.first_purchase_at.min(Some(noon(*day)));
        a.last_purchase_at = a.last_purchase_at.max(Some(noon(*day)));
        a.spend += dollars;
        if days.insert((*id, *day), ()).is_none() {
            a.purchases += 1;
        }
    }
    let as_of = noon(end);
    let mut stages: BTreeMap<Stage, usize> = BTreeMap::new();
    for (id, s) in summaries.iter() {
        let Some(a) = activity.get(id) else { continue };
        let c = policy.classify(a, as_of, Some(mbg.p_alive(s)?))?;
        *stages.entry(c.stage).or_default() += 1;
    }
    println!("stages as of {end}: {stages:?}");

    // 4. CLV over the next year in 13 four-week steps at 1 % per step, BG/NBD purchases × Gamma-Gamma spend.
    let clv = ClvSettings::new(Span::weeks(4.0)?, 13, 0.01)?;
    let values = clv.lifetime_values(&bg, &spend, &rows)?;
    let mut ranked: Vec<(u32, f64, &CustomerSummary)> =
        summaries.iter().zip(&values).map(|((id, s), v)| (*id, *v, s)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("top ten customers by one-year CLV:");
    println!("  id     x    t_x      T   mean$   P(alive)  E[52 wk]     CLV$");
    for (id, value, s) in ranked.iter().take(10) {
        println!(
            "  {id:<5} {:>2} {:>6.2} {:>6.2} {:>7.2} {:>9.3} {:>9.2} {:>8.2}",
            s.frequency(),
            s.recency(),
            s.age(),
            s.monetary_value(),
            bg.p_alive(s)?,
            bg.expected_purchases(s, Span::weeks(52.0)?)?,
            value
        );
    }
    Ok(())
}
