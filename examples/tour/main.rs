//! The tour: a café chain's year on a real database, and the report its owner reads on New Year's morning.
//!
//! **Cà Phê Sáng** has three stores in Ho Chi Minh City (Asia/Ho_Chi_Minh, VND). Over 2026, simulated from a
//! fixed seed, 2,000 customers register at the till (name, phone, birthday, language vi or en, SMS consent and,
//! for some, Zalo marketing consent), buy drinks and food, earn loyalty points (pending for the 7-day return
//! window, expiring after 6 months, silver and gold tiers), get a birthday bonus, redeem points against orders, top
//! up prepaid cards (5 % bonus from 500,000 VND, 10 % from 1,000,000 VND, bonus valid 90 days) and pay with them,
//! return some orders, answer NPS and CSAT surveys, and raise support tickets that agents answer in business hours.
//!
//! Every command goes through the crate's host loop ([`customer_care::host::Host`]) into a SQLite file — the
//! `customer-care-sqlite` adapter, one connection for all streams — with an outbox of e-receipts written in the
//! same transaction as each wallet commit, and each account's next deadline in an index that the year-end
//! scheduler reads. Commands have fixed ids, so **running the tour again on the same file changes nothing**: the
//! second run finds every command of the year stored and answers it from the stored commit, finds nothing due at
//! the year's end (the scheduler's commands are stored too, and read back), and prints the same report (its first
//! lines say how many commands were committed and how many were already there). A file written by another version
//! of the simulation (same id, another body) or of the adapter's schema is refused: use `--fresh`.
//!
//! The report: customers by lifecycle stage (rules plus a BG/NBD fit on the year's purchases), loyalty points and
//! stored-value liability and breakage, NPS and CSAT per store with their intervals, first-reply time and SLA per
//! store, and today's care plan — planned by `customer_care::care` from the records, the points and prepaid
//! accounts, the stages and the resolved tickets, and queued in a table keyed by each action's dedup key, so a
//! second run queues nothing new.
//!
//! Run with `cargo run --release --example tour [-- path/to/file.db] [--fresh]` (default file:
//! `customer-care-tour.db` in the temp directory; `--fresh` deletes it first). The progress goes to stderr.
//!
//! `--postgres URL` runs the same year on PostgreSQL instead (the `customer-care-postgres` adapter, the tables in
//! schema `customer_care_tour`; `--fresh` drops that schema first) and prints the same report: only its
//! `database` line differs.

mod facts;
mod host;
mod world;

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeDelta};
use customer_care::care::{
    CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, Locale, PointsFacts, ResolvedTicket, SkipReason,
    StageFacts, StoredValueFacts,
};
use customer_care::lifecycle::{
    Activity, BgNbd, LifecyclePolicy, PolicyConfig, PurchaseModel, Stage, TimeUnit, summarize,
};
use customer_care::metrics::{Breakdown, CsatScale, CsatScore, Label, NpsScale, NpsScore, Response};
use customer_care::service::{
    GroupBy, GroupKey, MetricsConfig, ReportConfig, ServiceReport, SlaMetric, Ticket, TicketMetrics,
};
use customer_care::stats::{ConfidenceLevel, Estimate, NetMethod, ProportionMethod, Warning};
use customer_care::wallet::LiabilityReport;
use customer_care::{Currency, Customer, CustomerId, Money, Points};
use rust_decimal::Decimal;

use customer_care_storage::Engine;
use facts::Backend;
use world::{STORES, World, ZONE};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The PostgreSQL schema the tour writes to with `--postgres URL`.
const PG_SCHEMA: &str = "customer_care_tour";

fn main() -> Result<()> {
    let mut fresh = false;
    let mut path = None;
    let mut postgres = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--fresh" => fresh = true,
            "--postgres" => postgres = Some(args.next().ok_or("--postgres takes a URL")?),
            other => path = Some(PathBuf::from(other)),
        }
    }
    let again = |e: Box<dyn Error>| format!("{e} (or start again with --fresh)");
    if let Some(url) = postgres {
        if fresh {
            let mut client =
                customer_care_postgres::postgres::Client::connect(&url, customer_care_postgres::postgres::NoTls)?;
            client.batch_execute(&format!("DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))?;
        }
        let db = customer_care_postgres::Database::connect_in_schema(&url, PG_SCHEMA)?;
        return run(World::open(db).map_err(again)?, &format!("PostgreSQL, schema {PG_SCHEMA}"));
    }
    let path = path.unwrap_or_else(|| std::env::temp_dir().join("customer-care-tour.db"));
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
    }
    let db = customer_care_sqlite::Database::open(&path)?;
    // A bulk load: fewer, larger checkpoints.
    db.connection().execute_batch("PRAGMA wal_autocheckpoint = 20000;")?;
    run(World::open(db).map_err(again)?, &path.display().to_string())
}

/// The year on `world`'s database, and the report.
fn run<D: Backend>(mut world: World<D>, database: &str) -> Result<()> {
    world.simulate_year()?;

    println!("== Cà Phê Sáng: three stores in Ho Chi Minh City, the year 2026 (simulated, seed {})", world::SEED);
    println!("database {database}");
    let (customers, points, wallets) = (world.customers.counts, world.points.counts, world.wallets.counts);
    let committed = customers.committed + points.committed + wallets.committed;
    let duplicates = customers.duplicates + points.duplicates + wallets.duplicates;
    let rejected = customers.rejected + points.rejected + wallets.rejected;
    println!(
        "this run: {} commands committed, {} found already stored (answered from the stored commit), {} rejected",
        thousands(committed.into()),
        thousands(duplicates.into()),
        thousands(rejected.into())
    );
    let db = &world.db;
    println!(
        "in the file: {} commits, {} e-receipts in the outbox, {} survey answers, {} tickets",
        thousands(Engine::count(db, "commits")?.into()),
        thousands(Engine::count(db, "outbox")?.into()),
        thousands(world.count_facts("surveys")?.into()),
        thousands(world.count_facts("tickets")?.into()),
    );

    let stages = report_lifecycle(&world)?;
    report_ledgers(&world)?;
    report_surveys(&world)?;
    report_service(&world)?;
    todays_care_plan(&world, &stages)?;
    Ok(())
}

fn thousands(n: i128) -> String {
    Locale::English.format_integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Whole đồng, as the owner reads them.
fn vnd(amount: Decimal) -> String {
    Money::new(amount.trunc(), Currency::VND)
        .map_or_else(|_| amount.to_string(), |m| Locale::Vietnamese.format_money(&m))
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { 100.0 * part as f64 / whole as f64 }
}

/// The value with its interval, "40.0 [-12.6, 74.1]" ("41.2 ± 9.8" only where the interval is symmetric at the
/// printed precision), plus a flag for a thin sample.
fn show(e: &Estimate, digits: usize) -> String {
    let thin = e.warnings().iter().any(|w| matches!(w, Warning::ThinSample { .. }));
    format!("{:.digits$}{}", e.with_interval(), if thin { " (thin)" } else { "" })
}

/// Customers by lifecycle stage: the rules (tenure, recency against each customer's own rhythm) combined with
/// P(alive) from a BG/NBD model fitted on the year's purchases, in weeks.
/// Returns each customer's stage and when it began, for the care plan.
fn report_lifecycle<D: Backend>(world: &World<D>) -> Result<BTreeMap<CustomerId, StageFacts>> {
    let end = world::end_of_year();
    let last_day = end.with_timezone(&ZONE).date_naive().pred_opt().ok_or("no last day")?;
    let customers: Vec<&Customer> = world.customers.all().collect();
    let mut log: Vec<(usize, NaiveDate, Decimal)> = Vec::new();
    for (n, c) in customers.iter().enumerate() {
        for p in c.purchases().iter().filter(|p| !p.is_fully_refunded()) {
            log.push((n, p.purchase.purchased_at.with_timezone(&ZONE).date_naive(), p.net().amount()));
        }
    }
    let summaries = summarize(&log, TimeUnit::Week, last_day)?;
    let (model, fit) = BgNbd::fit(&summaries.fit_data()?)?;
    let mut config = PolicyConfig::default();
    config.p_alive_aging_below = Some(0.5);
    config.p_alive_lost_below = Some(0.15);
    let policy = LifecyclePolicy::new(config)?;
    let mut stages: BTreeMap<Stage, usize> = BTreeMap::new();
    let mut facts = BTreeMap::new();
    for (n, c) in customers.iter().enumerate() {
        let Some(activity) = Activity::from_customer(c, Currency::VND) else { continue };
        let p_alive = summaries.get(&n).map(|s| model.p_alive(s)).transpose()?;
        let classification = policy.classify(&activity, end, p_alive)?;
        *stages.entry(classification.stage).or_default() += 1;
        // When the rules alone place the customer, the purchase history dates the stage exactly; a stage that
        // only the model's P(alive) gives has no history, and is taken to have begun before today, so no care
        // series starts today on a guess.
        let by_rules = policy.classify_customer(c, Currency::VND, end)?;
        let since = match &by_rules {
            Some(staged) if staged.classification.stage == classification.stage => staged.since,
            _ => end - TimeDelta::days(1),
        };
        facts.insert(c.id(), StageFacts { stage: classification.stage, since });
    }
    let spend: Decimal = log.iter().map(|(_, _, a)| a).sum();
    println!(
        "\n== Customers: {} registered, {} purchases kept, {} net",
        thousands(customers.len() as i128),
        thousands(log.len() as i128),
        vnd(spend)
    );
    println!(
        "BG/NBD on {} customers (weeks): r = {:.3}, alpha = {:.2}, a = {:.3}, b = {:.3}, log-likelihood {:.1}",
        summaries.len(),
        model.r(),
        model.alpha(),
        model.a(),
        model.b(),
        fit.log_likelihood
    );
    for (stage, n) in &stages {
        println!("  {:<10} {n:>5}  {:>5.1} %", format!("{stage:?}"), pct(*n, customers.len()));
    }
    Ok(facts)
}

/// Points outstanding and their value; stored-value liability and breakage (merged per store, as shards would).
fn report_ledgers<D: Backend>(world: &World<D>) -> Result<()> {
    let (mut available, mut pending, mut owed, mut expired, mut credited) = (0i64, 0i64, 0i64, 0i64, 0i64);
    let mut tiers: BTreeMap<String, usize> = BTreeMap::new();
    for account in world.points.all() {
        available += account.points_available().get();
        pending += account.points_pending().get();
        owed += account.points_owed().get();
        let t = account.ledger().totals();
        expired += t.expired.get();
        credited += t.credited.get();
        *tiers.entry(account.tier().map_or_else(|| "-".to_owned(), |t| t.to_string())).or_default() += 1;
    }
    let value = world.loyalty.value_of(Points::new(available + pending), Currency::VND)?;
    println!("\n== Loyalty points ({} accounts)", thousands(world.points.all().count() as i128));
    println!(
        "credited {}, expired {} ({:.1} %); outstanding {} available + {} pending, worth {}; debt after returns {}",
        thousands(credited.into()),
        thousands(expired.into()),
        pct(usize::try_from(expired)?, usize::try_from(credited)?),
        thousands(available.into()),
        thousands(pending.into()),
        vnd(value.amount()),
        thousands(owed.into())
    );
    println!("tiers: {}", tiers.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", "));

    // One report per home store, merged: the same as one report over every account.
    let mut by_store: Vec<LiabilityReport> = STORES.iter().map(|_| LiabilityReport::new(Currency::VND)).collect();
    for (store, account) in world.wallet_accounts() {
        by_store[store].add(account)?;
    }
    let mut all = LiabilityReport::new(Currency::VND);
    for report in &by_store {
        all = all.merge(report)?;
    }
    println!("\n== Prepaid cards ({} accounts)", all.accounts());
    println!(
        "owed: {} principal + {} bonus = {}; breakage (bonus expired): {}",
        vnd(all.principal_outstanding().amount()),
        vnd(all.bonus_outstanding().amount()),
        vnd(all.liability()?.amount()),
        vnd(all.bonus_breakage().amount())
    );
    for (store, report) in STORES.iter().zip(&by_store) {
        println!(
            "  {:<7} {:>4} cards, owed {:>14}, breakage {:>12}",
            store.code,
            report.accounts(),
            vnd(report.liability()?.amount()),
            vnd(report.bonus_breakage().amount())
        );
    }
    Ok(())
}

/// NPS (adjusted Wald) and CSAT top-2-box (Wilson) per store, 95 % intervals, from the answers in the file.
fn report_surveys<D: Backend>(world: &World<D>) -> Result<()> {
    let mut nps = Vec::new();
    let mut csat = Vec::new();
    for (store, at, n, c) in world.surveys()? {
        let label: Label = store.parse()?;
        nps.push(Response::new(NpsScore::new(n)?).with_segment(label.clone()).with_responded_at(at));
        csat.push(Response::new(CsatScore::new(CsatScale::FIVE_POINT, c)?).with_segment(label).with_responded_at(at));
    }
    let level = ConfidenceLevel::default();
    let nps_by = Breakdown::by_segment(NpsScale, &nps)?;
    let csat_by = Breakdown::by_segment(CsatScale::FIVE_POINT, &csat)?;
    println!("\n== Surveys after visits (95 % intervals)");
    println!("  {:<7} {:>5} {:>18} {:>18}", "store", "n", "NPS", "CSAT top-2 %");
    for (store, tally) in nps_by.groups() {
        let c = csat_by.get(store).ok_or("store missing from CSAT")?;
        println!(
            "  {:<7} {:>5} {:>18} {:>18}",
            store.as_str(),
            tally.n(),
            show(&tally.nps(level, NetMethod::AdjustedWald)?, 1),
            show(&c.top_box(level, ProportionMethod::Wilson)?.scaled(100.0)?, 1)
        );
    }
    let all = nps_by.total()?;
    println!("  {:<7} {:>5} {:>18}", "all", all.n(), show(&all.nps(level, NetMethod::AdjustedWald)?, 1));
    Ok(())
}

/// First-reply time and SLA per store (the team the ticket was assigned to), in the support desk's hours.
fn report_service<D: Backend>(world: &World<D>) -> Result<()> {
    let calendar = world::support_calendar()?;
    let config = MetricsConfig::new().sla_policy(world::sla_policy()?);
    let as_of = world::end_of_year();
    let metrics: Vec<TicketMetrics> = world
        .tickets()?
        .iter()
        .map(|t: &Ticket| t.metrics(&config, &calendar, as_of))
        .collect::<std::result::Result<_, _>>()?;
    let report = ServiceReport::new(&metrics, &ReportConfig::new().group_by(GroupBy::Team).zone(ZONE));
    let overall = ServiceReport::new(&metrics, &ReportConfig::new().zone(ZONE));
    let hours = |ms: Option<f64>| ms.map_or_else(|| "—".into(), |v| format!("{:.1} h", v / 3_600_000.0));
    let rate = |r: Option<f64>| r.map_or_else(|| "—".into(), |r| format!("{:.1} %", 100.0 * r));
    println!("\n== Support tickets (business hours 08:00–20:00 daily, closed for Tết)");
    println!(
        "  {:<7} {:>5} {:>9} {:>9} {:>12} {:>10} {:>8}",
        "store", "n", "FRT p50", "FRT p90", "SLA 1st 2h", "SLA res", "FCR"
    );
    let rows = report.groups.iter().chain(overall.groups.iter());
    for g in rows {
        let name = match &g.key {
            GroupKey::Team(Some(team)) => team.to_string(),
            _ => "all".to_owned(),
        };
        let p90 = g.first_reply.business.percentiles.iter().find(|p| p.per_mille == 900).map(|p| p.value_ms);
        let sla = |metric| g.sla.iter().find(|a| a.metric == metric).and_then(|a| a.rate());
        println!(
            "  {:<7} {:>5} {:>9} {:>9} {:>12} {:>10} {:>8}",
            name,
            g.tickets,
            hours(g.first_reply.business.median_ms),
            hours(p90),
            rate(sla(SlaMetric::FirstReply)),
            rate(sla(SlaMetric::Resolution)),
            rate(g.fcr.rate()),
        );
    }
    Ok(())
}

/// Today's care plan: 1 January 2027 for every customer (birthdays, anniversaries, follow-ups, loyalty rewards,
/// win-backs, expiring points, low prepaid balances, surveys after resolved tickets), queued by dedup key, with
/// the first rendered message of each kind.
fn todays_care_plan<D: Backend>(world: &World<D>, stages: &BTreeMap<CustomerId, StageFacts>) -> Result<()> {
    let now = world::end_of_year() + TimeDelta::hours(7); // 07:00 on New Year's Day
    let mut spec = CarePolicySpec::example("Cà Phê Sáng", ZONE, Money::from_minor(50_000, Currency::VND));
    spec.catch_up_hours = 12; // planned every morning: catch up on the night
    let policy = CarePolicy::new(spec)?;
    let window = CareWindow::new(now, now + TimeDelta::days(1))?;
    let mut resolved: BTreeMap<CustomerId, Vec<ResolvedTicket>> = BTreeMap::new();
    for ticket in world.tickets()? {
        if let Some(r) = ResolvedTicket::of(&ticket) {
            resolved.entry(ticket.requester()).or_default().push(r);
        }
    }
    let subjects = world.accounts().map(|(customer, points, wallet)| CareSubject {
        stage: stages.get(&customer.id()).copied(),
        points: points.map(|a| PointsFacts::of(a, &world.loyalty, now)),
        stored_value: wallet.map(StoredValueFacts::of),
        resolved_tickets: resolved.get(&customer.id()).map_or(&[], Vec::as_slice),
        ..CareSubject::new(customer)
    });
    let plan = policy.plan(window, subjects);
    let queued = world.queue_care(&plan.actions)?;

    println!("\n== Today's care plan ({})", now.with_timezone(&ZONE).format("%d/%m/%Y, planned at %H:%M"));
    let mut by_kind: BTreeMap<CareKind, (usize, usize)> = BTreeMap::new();
    for a in &plan.actions {
        by_kind.entry(a.kind).or_default().0 += 1;
    }
    for s in &plan.skipped {
        by_kind.entry(s.kind).or_default().1 += 1;
    }
    println!(
        "{} actions to send ({} newly queued, {} already in the queue by their dedup key), {} skipped",
        thousands(plan.actions.len() as i128),
        thousands(queued as i128),
        thousands((plan.actions.len() - queued) as i128),
        thousands(plan.skipped.len() as i128)
    );
    for (kind, (planned, skipped)) in &by_kind {
        println!("  {:<22} {planned:>5} to send  {skipped:>5} skipped", kind.as_str());
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &plan.skipped {
        let reason = match &s.reason {
            SkipReason::Capped { .. } => "marketing cap reached",
            SkipReason::NoChannel { .. } => "no channel with consent and a contact point",
            SkipReason::Erased => "erased",
            SkipReason::QuietHours => "quiet hours all day",
            SkipReason::Replied { .. } => "replied earlier in the series",
            _ => "other",
        };
        *reasons.entry(reason).or_default() += 1;
    }
    for (reason, n) in &reasons {
        println!("  skipped: {reason}: {n}");
    }
    println!("The first messages of each kind, in the customers' languages:");
    for kind in by_kind.keys() {
        for a in plan.actions.iter().filter(|a| a.kind == *kind).take(1) {
            let due = a.due_at.with_timezone(&ZONE).format("%H:%M");
            println!(
                "  {due} {:<8} {:<22} ({} SMS) “{}”",
                a.channel.to_string(),
                a.kind.as_str(),
                a.sms.segments,
                a.message
            );
        }
    }
    if let Some(next) = plan.next_deadline {
        println!("Plan again by {}.", next.with_timezone(&ZONE).format("%d/%m %H:%M"));
    }
    Ok(())
}
