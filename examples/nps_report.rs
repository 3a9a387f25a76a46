//! A month of survey responses for three stores → NPS with its interval per store, week-over-week change with
//! significance (Holm-adjusted across stores), CSAT and CES, response rates and a sample-size plan.
//!
//! The responses are simulated with a tiny seeded PRNG written below, so every run prints the same report.
//! Run with `cargo run --example nps_report`.

use std::collections::BTreeMap;
use std::error::Error;

use chrono::{Duration, TimeZone, Utc};
use customer_care::metrics::{
    Breakdown, CesScale, CesScore, CesTally, CsatScale, CsatScore, CsatTally, Label, NpsScale, NpsScore, Period,
    Response, TimeBucket, response_rate,
};
use customer_care::stats::{
    Adjustment, ConfidenceLevel, Estimate, NetMethod, ProportionMethod, Warning, sample_size_for_net,
};

/// xorshift64*: small, fast, good enough for a simulation, and seeded so the report is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A store's simulated customers: the chances of a promoter and of a detractor, drifting by `trend` per day.
struct Store {
    code: &'static str,
    promoter: f64,
    detractor: f64,
    trend: f64,
    surveys_per_day: u64,
}

/// One customer's answers to the three questions, correlated through a shared mood.
struct Answers {
    nps: NpsScore,
    csat: CsatScore,
    ces: CesScore,
}

fn answer(rng: &mut Rng, store: &Store, day: u32) -> Result<Answers, Box<dyn Error>> {
    let drift = store.trend * f64::from(day);
    let (p, d) = ((store.promoter + drift).clamp(0.0, 1.0), (store.detractor - drift).clamp(0.0, 1.0));
    let u = rng.unit();
    let (nps, mood) = if u < p {
        (9 + rng.below(2) as u8, 2)
    } else if u < p + d {
        (rng.below(7) as u8, 0)
    } else {
        (7 + rng.below(2) as u8, 1)
    };
    let csat = match mood {
        2 => 4 + rng.below(2) as u8,
        1 => 3 + rng.below(3) as u8,
        _ => 1 + rng.below(3) as u8,
    };
    let ces = match mood {
        2 => 5 + rng.below(3) as u8,
        1 => 3 + rng.below(4) as u8,
        _ => 1 + rng.below(4) as u8,
    };
    Ok(Answers {
        nps: NpsScore::new(nps)?,
        csat: CsatScore::new(CsatScale::FIVE_POINT, csat)?,
        ces: CesScore::new(CesScale::Ces2, ces)?,
    })
}

/// "40.0 [28.1, 50.2]" (or "41.2 ± 9.8" where the interval is symmetric) plus flags for any warnings.
fn show(e: &Estimate, digits: usize) -> String {
    let mut text = format!("{:.digits$}", e.with_interval());
    for w in e.warnings() {
        match w {
            Warning::ThinSample { .. } => text.push_str(" (thin)"),
            Warning::Clamped { .. } => text.push_str(" (clamped)"),
            Warning::ZeroVariance => text.push_str(" (no spread)"),
            _ => text.push_str(" (!)"),
        }
    }
    text
}

fn main() -> Result<(), Box<dyn Error>> {
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let level = ConfidenceLevel::default();
    let stores = [
        Store { code: "HCM-Q1", promoter: 0.55, detractor: 0.15, trend: 0.0, surveys_per_day: 60 },
        Store { code: "HN-HK", promoter: 0.40, detractor: 0.25, trend: 0.0, surveys_per_day: 45 },
        Store { code: "DN-HC", promoter: 0.30, detractor: 0.40, trend: 0.008, surveys_per_day: 35 },
    ];

    // Simulate June 2026: surveys sent after each visit, about a third answered, at 08:00–21:59 local time.
    let mut rng = Rng(0x5EED_2026_0601);
    let mut nps_responses = Vec::new();
    let mut csat_responses = Vec::new();
    let mut ces_responses = Vec::new();
    let mut sent: BTreeMap<&str, u64> = BTreeMap::new();
    for day in 1..=30u32 {
        for store in &stores {
            let segment: Label = store.code.parse()?;
            for _ in 0..store.surveys_per_day {
                *sent.entry(store.code).or_default() += 1;
                if rng.unit() >= 0.35 {
                    continue;
                }
                let minutes = 8 * 60 + rng.below(14 * 60) as i64;
                let at = (zone.with_ymd_and_hms(2026, 6, day, 0, 0, 0).single().ok_or("no local midnight")?
                    + Duration::minutes(minutes))
                .with_timezone(&Utc);
                let a = answer(&mut rng, store, day)?;
                nps_responses.push(Response::new(a.nps).with_segment(segment.clone()).with_responded_at(at));
                csat_responses.push(Response::new(a.csat).with_segment(segment.clone()).with_responded_at(at));
                ces_responses.push(Response::new(a.ces).with_segment(segment.clone()).with_responded_at(at));
            }
        }
    }

    println!("== June 2026, three stores, {} responses (95 % intervals)\n", nps_responses.len());
    let nps_by_store = Breakdown::by_segment(NpsScale, &nps_responses)?;
    let csat_by_store = Breakdown::by_segment(CsatScale::FIVE_POINT, &csat_responses)?;
    let ces_by_store = Breakdown::by_segment(CesScale::Ces2, &ces_responses)?;
    println!(
        "{:<8} {:>5} {:>9} {:>20} {:>22} {:>14} {:>18} {:>14}",
        "store", "n", "response", "NPS", "promoters/pass./detr.", "CSAT top-2 %", "CSAT mean", "CES agree %"
    );
    for (store, nps) in nps_by_store.groups() {
        let csat: &CsatTally = csat_by_store.get(store).ok_or("store missing from CSAT")?;
        let ces: &CesTally = ces_by_store.get(store).ok_or("store missing from CES")?;
        let rate =
            response_rate(nps.n(), sent.get(store.as_str()).copied().unwrap_or(0), level, ProportionMethod::Wilson)?;
        let e = nps.nps(level, NetMethod::AdjustedWald)?;
        let n = nps.n() as f64;
        let split = format!(
            "{:.0}% / {:.0}% / {:.0}%",
            100.0 * nps.promoters() as f64 / n,
            100.0 * nps.passives() as f64 / n,
            100.0 * nps.detractors() as f64 / n
        );
        println!(
            "{:<8} {:>5} {:>8.1}% {:>20} {:>22} {:>14} {:>18} {:>14}",
            store.as_str(),
            nps.n(),
            100.0 * rate.value(),
            show(&e, 1),
            split,
            show(&csat.top_box(level, ProportionMethod::Wilson)?.scaled(100.0)?, 0),
            show(&csat.mean(level)?, 2),
            show(&ces.top_box(level, ProportionMethod::Wilson)?.scaled(100.0)?, 0),
        );
    }
    let all = nps_by_store.total()?;
    println!("{:<8} {:>5} {:>9} {:>20}", "all", all.n(), "", show(&all.nps(level, NetMethod::AdjustedWald)?, 1));

    // Week over week, by ISO week in the stores' zone. Only weeks wholly inside June are compared.
    let june = (chrono::NaiveDate::from_ymd_opt(2026, 6, 1), chrono::NaiveDate::from_ymd_opt(2026, 7, 1));
    let full = |p: &Period| Some(p.start()) >= june.0 && p.end() <= june.1;
    let mut weekly: BTreeMap<Label, Breakdown<Period, NpsScore>> = BTreeMap::new();
    for store in nps_by_store.groups().keys() {
        let mine = nps_responses.iter().filter(|r| r.segment() == Some(store));
        weekly.insert(store.clone(), Breakdown::by_period(NpsScale, mine, TimeBucket::IsoWeek, zone)?);
    }
    let weeks: Vec<Period> = weekly
        .values()
        .flat_map(|b| b.groups().keys().copied())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    println!("\n== NPS by ISO week in Asia/Ho_Chi_Minh (* = partial week)");
    print!("{:<8}", "store");
    for w in &weeks {
        print!(" {:>20}", format!("{w}{}", if full(w) { "" } else { "*" }));
    }
    println!();
    for (store, by_week) in &weekly {
        print!("{:<8}", store.as_str());
        for w in &weeks {
            let cell = match by_week.get(w) {
                Some(t) => show(&t.nps(level, NetMethod::AdjustedWald)?, 0),
                None => "-".into(),
            };
            print!(" {cell:>20}");
        }
        println!();
    }

    // The last full week against the one before, judged across the three stores at once.
    let full_weeks: Vec<Period> = weeks.iter().copied().filter(|w| full(w)).collect();
    if let [.., before, last] = full_weeks[..] {
        println!("\n== {last} against {before}: change in NPS points, Holm-adjusted across stores");
        let in_week = |week: Period| {
            Breakdown::by(NpsScale, &nps_responses, |r| {
                let at = r.responded_at()?;
                (Period::containing(at, TimeBucket::IsoWeek, zone) == week).then(|| r.segment().cloned()).flatten()
            })
        };
        let (now, then) = (in_week(last)?, in_week(before)?);
        let changes = now.compare_with(&then, Adjustment::Holm, |a, b| a.compare_nps(b, level))?;
        for (store, (c, p_adj)) in &changes {
            let verdict = if *p_adj < level.alpha() { "significant" } else { "not significant" };
            println!(
                "{:<8} {:+6.1}, 95 % CI {:.1}, p = {:.3}, Holm p = {:.3} → {}",
                store.as_str(),
                c.difference().value(),
                c.difference().interval(),
                c.p_value(),
                p_adj,
                verdict
            );
        }
    }

    // First half against second half of the month for the store that is improving.
    let dn: Label = "DN-HC".parse()?;
    let mid = zone.with_ymd_and_hms(2026, 6, 16, 0, 0, 0).single().ok_or("no local midnight")?.with_timezone(&Utc);
    let halves = Breakdown::by(NpsScale, nps_responses.iter().filter(|r| r.segment() == Some(&dn)), |r| {
        r.responded_at().map(|at| if at < mid { "1-15 June" } else { "16-30 June" })
    })?;
    if let (Some(first), Some(second)) = (halves.get(&"1-15 June"), halves.get(&"16-30 June")) {
        let c = second.compare_nps(first, level)?;
        println!(
            "\nDN-HC, second half of June against the first: {:+.1} points {:.1}, p {}",
            c.difference().value(),
            c.difference().interval(),
            if c.p_value() < 1e-4 { "< 0.0001".to_string() } else { format!("= {:.4}", c.p_value()) }
        );
    }

    // How many responses a store needs for ±5 points.
    let need = sample_size_for_net(0.05, level, Some((0.45, 0.25)), None)?;
    println!("\nFor NPS ± 5 points at 95 % (45 % promoters, 25 % detractors): {need} responses per store and period.");
    Ok(())
}
