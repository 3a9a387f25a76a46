//! Ticket metrics and the service report over arbitrary tickets (events at instants across chrono's whole range),
//! business calendars and report settings, grouped every way (all, agent, team, channel, priority, day, week,
//! month) in zones with awkward rules: no panic, metrics answer a value or a typed error, and reports merge-free
//! invariants hold (group counts add up to the total, the report round-trips through JSON).

#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, NaiveDate, Utc, Weekday};
use customer_care::CustomerId;
use customer_care::calendar::{BusinessCalendar, ClockTime, TimeRange, WeeklyHours};
use customer_care::service::{
    AgentId, AuthorKind, CallSegment, Channel, FcrDefinition, FrtStart, GroupBy, MetricsConfig, Priority, ReportConfig,
    ServiceLevelConfig, ServiceLevelMethod, ServiceReport, SlaClock, SlaMetric, SlaPolicy, SlaRule, Status, TeamId,
    Ticket, TicketEvent, TicketEventKind, TicketId, Visibility,
};
use customer_care::stats::percentile::PercentileMethod;
use fuzz_support::{instant, step, zone};
use libfuzzer_sys::fuzz_target;

const CHANNELS: [Channel; 8] = [
    Channel::InPerson,
    Channel::Phone,
    Channel::Email,
    Channel::Chat,
    Channel::Messaging,
    Channel::Social,
    Channel::Forum,
    Channel::Web,
];
const PRIORITIES: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];
const STATUSES: [Status; 5] = [Status::Open, Status::Pending, Status::OnHold, Status::Solved, Status::Closed];
const GROUPS: [GroupBy; 8] = [
    GroupBy::All,
    GroupBy::Agent,
    GroupBy::Team,
    GroupBy::Channel,
    GroupBy::Priority,
    GroupBy::Day,
    GroupBy::Week,
    GroupBy::Month,
];

fn kind(u: &mut Unstructured<'_>) -> Result<TicketEventKind> {
    let agent = |u: &mut Unstructured<'_>| -> Result<Option<AgentId>> {
        Ok(if u.arbitrary()? { AgentId::new(u.choose(&["ana", "bao"])?).ok() } else { None })
    };
    Ok(match u.int_in_range(0..=11u8)? {
        0 | 1 => TicketEventKind::CustomerMessage,
        2 | 3 => TicketEventKind::AgentMessage {
            author: *u.choose(&[AuthorKind::Human, AuthorKind::Bot, AuthorKind::Automation, AuthorKind::System])?,
            visibility: *u.choose(&[Visibility::Public, Visibility::Internal])?,
            agent: agent(u)?,
        },
        4 => TicketEventKind::Assigned {
            agent: agent(u)?,
            team: if u.arbitrary()? { TeamId::new("care").ok() } else { None },
        },
        5 => TicketEventKind::PriorityChanged { priority: *u.choose(&PRIORITIES)? },
        6 | 7 => TicketEventKind::StatusChanged { status: *u.choose(&STATUSES)? },
        8 => TicketEventKind::Reopened,
        9 => u.choose(&[TicketEventKind::Answered, TicketEventKind::Abandoned, TicketEventKind::SurveySent])?.clone(),
        10 => TicketEventKind::CallSegment {
            segment: *u.choose(&[CallSegment::Talk, CallSegment::Hold, CallSegment::AfterCallWork])?,
            duration_ms: if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=3_600_000)? },
        },
        _ => TicketEventKind::SurveyAnswered { resolved: u.arbitrary()? },
    })
}

fn ticket(u: &mut Unstructured<'_>, n: usize) -> Result<Option<Ticket>> {
    let mut at = instant(u)?;
    let created = TicketEventKind::Created {
        channel: *u.choose(&CHANNELS)?,
        requester: CustomerId::from_u128(u.int_in_range(1..=3)?).expect("non-nil"),
        priority: *u.choose(&PRIORITIES)?,
    };
    let mut events = vec![TicketEvent::new(at, created)];
    for _ in 0..u.int_in_range(0..=8)? {
        at = step(u, at)?;
        events.push(TicketEvent::new(at, kind(u)?));
    }
    Ok(Ticket::new(TicketId::new(&format!("T-{n}")).expect("valid ticket id"), events).ok())
}

fn calendar(u: &mut Unstructured<'_>) -> Result<BusinessCalendar> {
    Ok(match u.int_in_range(0..=2u8)? {
        0 => BusinessCalendar::always_open(),
        _ => {
            let clock = |u: &mut Unstructured<'_>| -> Result<ClockTime> {
                Ok(ClockTime::new(u.int_in_range(0..=24)?, *u.choose(&[0, 30, 45])?, 0)
                    .unwrap_or(ClockTime::new(9, 0, 0).expect("09:00")))
            };
            let range = TimeRange::new(clock(u)?, clock(u)?).unwrap_or(TimeRange::all_day());
            let hours = if u.arbitrary()? {
                WeeklyHours::weekdays(&[range])
            } else {
                WeeklyHours::days(&[Weekday::Mon, Weekday::Sat, Weekday::Sun], &[range])
            }
            .unwrap_or_else(|_| WeeklyHours::always());
            let mut b = BusinessCalendar::builder(zone(u)?, hours);
            if u.arbitrary()? {
                let d: DateTime<Utc> = instant(u)?;
                b = b.holiday(d.date_naive());
            }
            if u.arbitrary()? {
                b = b.holiday(NaiveDate::MIN).holiday(NaiveDate::MAX);
            }
            b.build().unwrap_or_else(|_| BusinessCalendar::always_open())
        }
    })
}

fn metrics_config(u: &mut Unstructured<'_>) -> Result<MetricsConfig> {
    let mut c = MetricsConfig::new().frt_start(*u.choose(&[FrtStart::FirstCustomerMessage, FrtStart::Created])?);
    if u.arbitrary()? {
        let metric = *u.choose(&[
            SlaMetric::FirstReply,
            SlaMetric::NextReply,
            SlaMetric::PeriodicUpdate,
            SlaMetric::Resolution,
        ])?;
        let seconds = if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=86_400)? };
        let clock = *u.choose(&[SlaClock::Business, SlaClock::Calendar])?;
        if let Ok(rule) = SlaRule::new(metric, seconds, clock) {
            let rule = if u.arbitrary()? { rule.priority(*u.choose(&PRIORITIES)?) } else { rule };
            if let Ok(policy) = SlaPolicy::new([rule]) {
                c = c.sla_policy(policy);
            }
        }
    }
    Ok(c)
}

fn report_config(u: &mut Unstructured<'_>, group_by: GroupBy) -> Result<ReportConfig> {
    let methods = [
        PercentileMethod::NearestRank,
        PercentileMethod::AveragedNearestRank,
        PercentileMethod::ClosestObservation,
        PercentileMethod::InterpolatedCdf,
        PercentileMethod::Hazen,
        PercentileMethod::Weibull,
    ];
    let mut c = ReportConfig::new().group_by(group_by).zone(zone(u)?).method(*u.choose(&methods)?).fcr(
        match u.int_in_range(0..=3u8)? {
            0 => FcrDefinition::OnePublicReply,
            1 => FcrDefinition::NoRepeatContact {
                days: if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=30)? },
            },
            2 => FcrDefinition::NoCustomerFollowUp,
            _ => FcrDefinition::SurveyConfirmed,
        },
    );
    if u.arbitrary()? {
        let per_mille = (0..u.int_in_range(0..=4)?).map(|_| u.int_in_range(0..=1001u16)).collect::<Result<Vec<_>>>()?;
        c = c.clone().percentiles(per_mille).unwrap_or(c);
    }
    if u.arbitrary()? {
        let short_abandon_seconds = if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=30)? };
        let method = *u.choose(&[
            ServiceLevelMethod::ExcludeShortAbandons,
            ServiceLevelMethod::AllOffered,
            ServiceLevelMethod::AnsweredOnly,
            ServiceLevelMethod::ShortAbandonsAsMet,
            ServiceLevelMethod::ShortAbandonsUnderAsMet { short_abandon_seconds },
        ])?;
        let threshold_seconds = if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=120)? };
        c = c.clone().service_level(ServiceLevelConfig { threshold_seconds, method }).unwrap_or(c);
    }
    Ok(c)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((calendar, config, tickets, as_of, reports)) = (|| -> Result<_> {
        let calendar = calendar(&mut u)?;
        let config = metrics_config(&mut u)?;
        let tickets = (0..u.int_in_range(1..=6)?).map(|n| ticket(&mut u, n)).collect::<Result<Vec<_>>>()?;
        let as_of = instant(&mut u)?;
        let mut reports = Vec::new();
        for group_by in GROUPS {
            reports.push(report_config(&mut u, group_by)?);
        }
        Ok((calendar, config, tickets, as_of, reports))
    })() else {
        return;
    };
    let mut metrics = Vec::new();
    for ticket in tickets.iter().flatten() {
        // As of the given instant (may be before the last event: a typed error), and as of the last event.
        let _ = ticket.metrics(&config, &calendar, as_of);
        let _ = ticket.next_deadline(&config, &calendar, as_of);
        if let Ok(m) = ticket.metrics(&config, &calendar, ticket.last_event_at()) {
            metrics.push(m);
        }
    }
    for config in &reports {
        let report = ServiceReport::new(&metrics, config);
        let json = serde_json::to_string(&report).expect("a report serializes");
        let back: ServiceReport = serde_json::from_str(&json).expect("a report deserializes");
        assert_eq!(back, report, "a report round-trips");
    }
});
