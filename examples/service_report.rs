//! A week of tickets across channels → first reply and resolution percentiles in business hours, SLA achievement,
//! first contact resolution and handle time per channel.
//!
//! Run with `cargo run --example service_report`. The tickets are generated deterministically by a tiny seeded
//! generator, so every run prints the same report.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use customer_care::CustomerId;
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::service::{
    AgentId, AuthorKind, CallSegment, Channel, DurationSummary, GroupBy, MetricsConfig, Priority, ReportConfig,
    ServiceReport, SlaClock, SlaMetric, SlaPolicy, SlaRule, Status, Ticket, TicketEvent, TicketEventKind as K,
    TicketId, TicketMetrics, Visibility,
};

/// SplitMix64.
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
        i64::try_from(self.next() % n).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn ticket(i: usize, rng: &mut Rng, week: DateTime<Utc>) -> Result<Ticket, Box<dyn std::error::Error>> {
    let channels = [Channel::Email, Channel::Email, Channel::Chat, Channel::Phone, Channel::Social, Channel::Web];
    let channel = channels[usize::try_from(rng.below(channels.len() as u64))?];
    let priority = if rng.chance(10) { Priority::High } else { Priority::Normal };
    // Phone and chat lines are staffed Tuesday to Friday (Monday is a bank holiday) 09:00–17:00; messages come
    // in around the clock.
    let start = if channel.is_synchronous() {
        week + TimeDelta::days(1 + rng.below(4)) + TimeDelta::minutes(9 * 60 + rng.below(8 * 60))
    } else {
        week + TimeDelta::minutes(rng.below(7 * 24 * 60))
    };
    let requester = CustomerId::from_u128(1 + u128::try_from(rng.below(400))?)?;
    let agent = AgentId::new(&format!("agent-{}", rng.below(6)))?;
    let human =
        K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, agent: Some(agent.clone()) };
    let mut t = start;
    let mut events = vec![
        TicketEvent::new(start, K::Created { channel, requester, priority }),
        TicketEvent::new(start, K::CustomerMessage),
    ];
    if channel.is_synchronous() {
        // Queue, then talk, hold and wrap-up; some callers give up.
        t += TimeDelta::seconds(rng.below(90));
        if rng.chance(8) {
            events.push(TicketEvent::new(t, K::Abandoned));
            return Ok(Ticket::new(TicketId::new(&format!("T-{i}"))?, events)?);
        }
        events.push(TicketEvent::new(t, K::Answered));
        events.push(TicketEvent::new(t, K::Assigned { agent: Some(agent), team: None }));
        events.push(TicketEvent::new(t, human));
        for (segment, max_s) in [(CallSegment::Talk, 900), (CallSegment::Hold, 120), (CallSegment::AfterCallWork, 180)]
        {
            events.push(TicketEvent::new(t, K::CallSegment { segment, duration_ms: rng.below(max_s) * 1000 }));
        }
        t += TimeDelta::minutes(10 + rng.below(10));
    } else {
        if rng.chance(50) {
            t += TimeDelta::minutes(1);
            events.push(TicketEvent::new(
                t,
                K::AgentMessage { author: AuthorKind::Bot, visibility: Visibility::Public, agent: None },
            ));
        }
        t += TimeDelta::minutes(rng.below(8 * 60));
        events.push(TicketEvent::new(t, K::Assigned { agent: Some(agent), team: None }));
        t += TimeDelta::minutes(rng.below(16 * 60));
        events.push(TicketEvent::new(t, human.clone()));
        if rng.chance(40) {
            t += TimeDelta::minutes(rng.below(24 * 60));
            events.push(TicketEvent::new(t, K::CustomerMessage));
            t += TimeDelta::minutes(rng.below(8 * 60));
            events.push(TicketEvent::new(t, human));
        }
        t += TimeDelta::minutes(rng.below(4 * 60));
    }
    if rng.chance(90) {
        events.push(TicketEvent::new(t, K::StatusChanged { status: Status::Solved }));
    }
    Ok(Ticket::new(TicketId::new(&format!("T-{i}"))?, events)?)
}

fn hours(ms: Option<f64>) -> String {
    ms.map_or_else(|| "—".into(), |v| format!("{:.1} h", v / 3_600_000.0))
}

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

fn p(summary: &DurationSummary, per_mille: u16) -> Option<f64> {
    summary.percentiles.iter().find(|x| x.per_mille == per_mille).map(|x| x.value_ms)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let zone = chrono_tz::Europe::London;
    let hours_ = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "12:30")?, TimeRange::parse("13:30", "18:00")?])?;
    let calendar =
        BusinessCalendar::builder(zone, hours_).holiday(NaiveDate::from_ymd_opt(2026, 5, 4).ok_or("date")?).build()?;
    let policy = SlaPolicy::new([
        SlaRule::new(SlaMetric::FirstReply, 8 * 3600, SlaClock::Business)?,
        SlaRule::new(SlaMetric::FirstReply, 2 * 3600, SlaClock::Business)?.priority(Priority::High),
        SlaRule::new(SlaMetric::FirstReply, 60, SlaClock::Calendar)?.channel(Channel::Phone),
        SlaRule::new(SlaMetric::NextReply, 8 * 3600, SlaClock::Business)?,
        SlaRule::new(SlaMetric::Resolution, 24 * 3600, SlaClock::Business)?,
    ])?;
    let config = MetricsConfig::new().sla_policy(policy);
    let week = zone.with_ymd_and_hms(2026, 5, 4, 0, 0, 0).single().ok_or("local time")?.to_utc();
    let as_of = week + TimeDelta::days(10);
    let mut rng = Rng(2026);
    let metrics: Vec<TicketMetrics> = (0..600)
        .map(|i| -> Result<TicketMetrics, Box<dyn std::error::Error>> {
            Ok(ticket(i, &mut rng, week)?.metrics(&config, &calendar, as_of)?)
        })
        .collect::<Result<_, _>>()?;

    let report = ServiceReport::new(&metrics, &ReportConfig::new().group_by(GroupBy::Channel).zone(zone));
    println!(
        "{} tickets, week of 2026-05-04 (Europe/London; the bank holiday is closed), nearest-rank percentiles\n",
        metrics.len()
    );
    println!(
        "{:<8} {:>5}  {:>9} {:>9}  {:>9} {:>9}  {:>9} {:>9}  {:>8} {:>8}",
        "channel", "n", "FRT p50", "FRT p90", "res p50", "res p90", "SLA 1st", "SLA res", "FCR", "AHT"
    );
    for g in &report.groups {
        let sla = |metric| g.sla.iter().find(|a| a.metric == metric).and_then(|a| a.rate());
        println!(
            "{:<8} {:>5}  {:>9} {:>9}  {:>9} {:>9}  {:>9} {:>9}  {:>8} {:>8}",
            format!("{:?}", g.key).trim_start_matches("Channel(").trim_end_matches(')').to_lowercase(),
            g.tickets,
            hours(g.first_reply.business.median_ms),
            hours(p(&g.first_reply.business, 900)),
            hours(g.first_resolution.business.median_ms),
            hours(p(&g.first_resolution.business, 900)),
            pct(sla(SlaMetric::FirstReply)),
            pct(sla(SlaMetric::Resolution)),
            pct(g.fcr.rate()),
            g.average_handle_time_ms.map_or_else(|| "—".into(), |ms| format!("{:.0} s", ms / 1000.0)),
        );
        if g.sync.offered > 0 {
            println!(
                "{:<8} ASA {:.0} s, abandonment {}, service level {} ({}s, {:?})",
                "",
                g.sync.average_speed_of_answer_ms.unwrap_or_default() / 1000.0,
                pct(g.sync.abandonment_rate),
                pct(g.sync.service_level),
                g.sync.threshold_seconds,
                g.sync.method,
            );
        }
    }
    let overall = ServiceReport::new(&metrics, &ReportConfig::new());
    let all = &overall.groups[0];
    println!(
        "\nall: FCR {} ({} resolved, {} not, {} zero-reply solves apart, {} unsolved), AHT {}",
        pct(all.fcr.rate()),
        all.fcr.resolved,
        all.fcr.not_resolved,
        all.fcr.zero_reply_solves,
        all.fcr.excluded,
        all.average_handle_time_ms.map_or_else(|| "—".into(), |ms| format!("{:.0} s", ms / 1000.0)),
    );
    Ok(())
}
