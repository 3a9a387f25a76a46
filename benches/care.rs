//! Care planner: planning one local day for 1,000,000 customers — a realistic mix of contact points, consents,
//! birthdays, purchases, lifecycle stages, points and stored value, and a little care history.
//! Target (issue 8): ≥ 1 million customers per second, single-threaded.

// A bench measures wall time; the clock ban is for the library.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::care::{
    CareEvent, CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, PointsFacts, StageFacts, StoredValueFacts,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, PreferencesPatch, Purchase,
    Purpose,
};
use customer_care::ledger::UpcomingExpiry;
use customer_care::lifecycle::Stage;
use customer_care::{Command, CommandId, Currency, CustomerId, Money, OrderId, Points};

#[path = "../tests/it/common/rng.rs"]
mod rng;
use rng::Rng;

const CUSTOMERS: usize = 1_000_000;

/// What one customer brings besides the record.
struct Facts {
    stage: Option<StageFacts>,
    points: Option<PointsFacts>,
    wallet: Option<StoredValueFacts>,
    history: Vec<CareEvent>,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap()
}

fn customer(n: usize, rng: &mut Rng) -> (Customer, Facts) {
    let now = now();
    let days_ago = |rng: &mut Rng, max: u64| now - TimeDelta::minutes(rng.below(max * 24 * 60) as i64 + 1);
    let mut commands = Vec::new();
    let mut profile = NewProfile::default().full_name("Nguyễn Thị Lan").unwrap();
    if rng.below(100) < 95 {
        profile = profile.phone(&format!("09{:08}", n % 100_000_000), customer_care::customer::Region::VN).unwrap();
    }
    if rng.below(100) < 40 {
        profile = profile.email(&format!("c{n}@example.com")).unwrap();
    }
    let registered_at = days_ago(rng, 4 * 365);
    commands.push(CustomerCommand::Register { profile: profile.build(), registered_at: Some(registered_at) });
    for (channel, purpose, percent) in [
        (Channel::Sms, Purpose::Service, 90),
        (Channel::Sms, Purpose::Marketing, 60),
        (Channel::ChatApp, Purpose::Service, 50),
        (Channel::ChatApp, Purpose::Marketing, 40),
        (Channel::Email, Purpose::Marketing, 30),
    ] {
        if rng.below(100) < percent {
            commands.push(CustomerCommand::GrantConsent { channel, purpose, source: None });
        }
    }
    if rng.below(100) < 70 {
        let date = NaiveDate::from_yo_opt(1960 + rng.below(45) as i32, 1 + rng.below(365) as u32).unwrap();
        commands.push(CustomerCommand::SetImportantDate {
            kind: OccasionKind::Birthday,
            date: AnnualDate::from_date(date).unwrap(),
        });
    }
    let language = if rng.below(100) < 80 { "vi" } else { "en" };
    commands.push(CustomerCommand::SetPreferences {
        patch: PreferencesPatch { language: Some(Change::Set(language.parse().unwrap())), ..Default::default() },
    });
    for p in 0..rng.below(6) {
        let order = OrderId::new(&format!("HD-{n}-{p}")).unwrap();
        let amount = Money::from_minor(20_000 + 1_000 * rng.below(200) as i64, Currency::VND);
        commands.push(CustomerCommand::RecordPurchase(Purchase::new(order, amount, days_ago(rng, 400))));
    }
    let mut c = Customer::new(CustomerId::from_u128(n as u128 + 1).unwrap());
    for (i, body) in commands.into_iter().enumerate() {
        let command = Command::new(CommandId::from_u128(i as u128 + 1).unwrap(), now, body);
        let commit = c.decide(&command).unwrap().accepted().unwrap();
        c.apply(&commit);
    }
    let stages = [Stage::Potential, Stage::New, Stage::Growth, Stage::Loyal, Stage::Aging, Stage::Lost];
    let stage = Some(StageFacts { stage: stages[rng.below(6) as usize], since: days_ago(rng, 120) });
    let points = (rng.below(100) < 50).then(|| PointsFacts {
        available: Points::new(rng.below(5_000) as i64 + 1),
        expiring: Some(UpcomingExpiry {
            expires_at: now + TimeDelta::days(rng.below(120) as i64 + 1),
            amount: Points::new(rng.below(500) as i64 + 1),
        }),
        ..PointsFacts::default()
    });
    let wallet = (rng.below(100) < 20).then(|| StoredValueFacts {
        available: Money::from_minor(rng.below(500) as i64 * 1_000, Currency::VND),
        expiring_bonus: Some(UpcomingExpiry {
            expires_at: now + TimeDelta::days(rng.below(60) as i64 + 1),
            amount: Money::from_minor(10_000, Currency::VND),
        }),
        last_activity_at: Some(days_ago(rng, 30)),
    });
    let history = (0..rng.below(3))
        .map(|k| CareEvent::CareSent {
            key: format!("{n}/welcome/x/{k}").as_str().into(),
            kind: CareKind::Welcome,
            channel: Channel::Sms,
            at: days_ago(rng, 14),
        })
        .collect();
    (c, Facts { stage, points, wallet, history })
}

fn plan_day(c: &mut Criterion) {
    let mut rng = Rng(2026);
    let people: Vec<(Customer, Facts)> = (0..CUSTOMERS).map(|n| customer(n, &mut rng)).collect();
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let policy =
        CarePolicy::new(CarePolicySpec::example("Cà phê Sáng", zone, Money::from_minor(50_000, Currency::VND)))
            .unwrap();
    let window = CareWindow::local_day("2026-11-23".parse().unwrap(), zone).unwrap();
    let subjects = || {
        people.iter().map(|(customer, f)| CareSubject {
            stage: f.stage,
            points: f.points.clone(),
            stored_value: f.wallet.clone(),
            history: &f.history,
            ..CareSubject::new(customer)
        })
    };
    let plan = policy.plan(window, subjects());
    println!(
        "one day for {CUSTOMERS} customers: {} actions, {} skipped, next deadline {:?}",
        plan.actions.len(),
        plan.skipped.len(),
        plan.next_deadline
    );
    let mut group = c.benchmark_group("care");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS as u64));
    group.bench_function("plan_one_day_1m_customers", |b| {
        b.iter_with_large_drop(|| policy.plan(black_box(window), subjects()));
    });
    group.finish();
}

criterion_group!(benches, plan_day);
criterion_main!(benches);
