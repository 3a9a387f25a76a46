//! Business time and per-ticket metrics throughput.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use customer_care::CustomerId;
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::service::{
    AgentId, AuthorKind, Channel, MetricsConfig, Priority, SlaClock, SlaMetric, SlaPolicy, SlaRule, Status, Ticket,
    TicketEvent, TicketEventKind as K, TicketId, Visibility,
};

/// SplitMix64: a tiny deterministic generator for the inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> i64 {
        i64::try_from(self.next() % n).unwrap()
    }
}

fn london() -> BusinessCalendar {
    let hours = WeeklyHours::weekdays(&[
        TimeRange::parse("09:00", "12:00").unwrap(),
        TimeRange::parse("13:00", "17:00").unwrap(),
    ])
    .unwrap();
    let holidays =
        [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28), (2, 16), (6, 19), (7, 3), (11, 11)]
            .map(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d).unwrap());
    BusinessCalendar::builder(chrono_tz::Europe::London, hours).holidays(holidays).build().unwrap()
}

fn business_time(c: &mut Criterion) {
    let cal = london();
    let mut rng = Rng(7);
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let pairs: Vec<(DateTime<Utc>, DateTime<Utc>)> = (0..1024)
        .map(|_| {
            let a = start + TimeDelta::minutes(rng.below(60 * 24 * 30));
            (a, a + TimeDelta::days(365) + TimeDelta::minutes(rng.below(600)))
        })
        .collect();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("business_time_between a year apart, 12 holidays", |b| {
        b.iter(|| {
            let mut total = TimeDelta::zero();
            for (a, z) in &pairs {
                total += cal.business_time_between(black_box(*a), black_box(*z)).unwrap();
            }
            total
        });
    });
    group.bench_function("add_business_time 40 hours", |b| {
        b.iter(|| {
            let mut last = start;
            for (a, _) in &pairs {
                last = cal.add_business_time(black_box(*a), TimeDelta::hours(40)).unwrap();
            }
            last
        });
    });
    group.bench_function("sub_business_time 40 hours", |b| {
        b.iter(|| {
            let mut last = start;
            for (_, z) in &pairs {
                last = cal.sub_business_time(black_box(*z), TimeDelta::hours(40)).unwrap();
            }
            last
        });
    });
    group.finish();
}

/// A ticket of 10 events: created, customer message, bot reply, assignment, human reply, pending, customer
/// message, human reply, solved, survey sent.
fn make_ticket(i: usize, rng: &mut Rng) -> Ticket {
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap() + TimeDelta::minutes(rng.below(60 * 24 * 28));
    let mut t = start;
    let mut step = |rng: &mut Rng, max_min: u64| {
        t += TimeDelta::minutes(rng.below(max_min));
        t
    };
    let human = |agent: &AgentId| K::AgentMessage {
        author: AuthorKind::Human,
        visibility: Visibility::Public,
        agent: Some(agent.clone()),
    };
    let agent = AgentId::new(&format!("agent-{}", i % 40)).unwrap();
    let requester = CustomerId::from_u128(1 + (i as u128 % 50_000)).unwrap();
    let events = vec![
        TicketEvent::new(start, K::Created { channel: Channel::Email, requester, priority: Priority::Normal }),
        TicketEvent::new(start, K::CustomerMessage),
        TicketEvent::new(
            step(rng, 2),
            K::AgentMessage { author: AuthorKind::Bot, visibility: Visibility::Public, agent: None },
        ),
        TicketEvent::new(step(rng, 30), K::Assigned { agent: Some(agent.clone()), team: None }),
        TicketEvent::new(step(rng, 600), human(&agent)),
        TicketEvent::new(step(rng, 5), K::StatusChanged { status: Status::Pending }),
        TicketEvent::new(step(rng, 2000), K::CustomerMessage),
        TicketEvent::new(step(rng, 600), human(&agent)),
        TicketEvent::new(step(rng, 60), K::StatusChanged { status: Status::Solved }),
        TicketEvent::new(step(rng, 60), K::SurveySent),
    ];
    Ticket::new(TicketId::new(&format!("T-{i}")).unwrap(), events).unwrap()
}

fn ticket_metrics(c: &mut Criterion) {
    let cal = london();
    let mut rng = Rng(11);
    let tickets: Vec<Ticket> = (0..20_000).map(|i| make_ticket(i, &mut rng)).collect();
    let events: usize = tickets.iter().map(|t| t.events().len()).sum();
    let as_of = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let plain = MetricsConfig::new();
    let with_sla = MetricsConfig::new().sla_policy(
        SlaPolicy::new([
            SlaRule::new(SlaMetric::FirstReply, 4 * 3600, SlaClock::Business).unwrap(),
            SlaRule::new(SlaMetric::NextReply, 8 * 3600, SlaClock::Business).unwrap(),
            SlaRule::new(SlaMetric::Resolution, 24 * 3600, SlaClock::Business).unwrap(),
        ])
        .unwrap(),
    );
    let mut group = c.benchmark_group("tickets");
    group.throughput(Throughput::Elements(events as u64));
    for (name, config) in
        [("metrics, 10 events per ticket", &plain), ("metrics + 3 SLA targets, 10 events per ticket", &with_sla)]
    {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut replies = 0_u64;
                for t in &tickets {
                    replies += u64::from(t.metrics(config, &cal, as_of).unwrap().agent_replies);
                }
                replies
            });
        });
    }
    group.finish();
}

fn calendar_build(c: &mut Criterion) {
    c.bench_function("calendar build (London, 12 holidays)", |b| b.iter(london));
}

criterion_group!(benches, business_time, ticket_metrics, calendar_build);
criterion_main!(benches);
