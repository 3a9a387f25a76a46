//! Service KPIs: known answers, validation, SLA, FCR, queue figures, churn, and order-independent aggregation.

use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::service::churn::{
    ChurnCounts, ChurnDenominator, CohortMember, CohortTable, RevenueMovements, compound_churn, convert_churn,
};
use customer_care::service::experience::{ExperienceEvent, PoorExperiencePolicy, consecutive_poor_experiences};
use customer_care::service::{
    AgentId, AuthorKind, CallSegment, Channel, Elapsed, FcrDefinition, FcrOutcome, FrtStart, GroupBy, GroupKey,
    MetricsConfig, Priority, ReportConfig, ServiceError, ServiceLevelConfig, ServiceLevelMethod, ServiceReport,
    SlaClock, SlaMeasure, SlaMetric, SlaPolicy, SlaRule, SlaStatus, Status, Ticket, TicketEvent, TicketEventKind as K,
    TicketId, TicketMetrics, Visibility,
};
use customer_care::stats::percentile::PercentileMethod;
use customer_care::{Currency, CustomerId, Money, Rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;

const NY: Tz = chrono_tz::America::New_York;

fn ny(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    NY.with_ymd_and_hms(2026, m, d, h, min, 0).single().unwrap().to_utc()
}

fn office() -> BusinessCalendar {
    static OFFICE: OnceLock<BusinessCalendar> = OnceLock::new();
    OFFICE
        .get_or_init(|| {
            let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
            BusinessCalendar::builder(NY, hours).build().unwrap()
        })
        .clone()
}

fn customer(n: u128) -> CustomerId {
    CustomerId::from_u128(n).unwrap()
}

fn created(at: DateTime<Utc>, channel: Channel) -> TicketEvent {
    TicketEvent::new(at, K::Created { channel, requester: customer(1), priority: Priority::Normal })
}

fn msg(at: DateTime<Utc>) -> TicketEvent {
    TicketEvent::new(at, K::CustomerMessage)
}

fn reply(at: DateTime<Utc>, author: AuthorKind) -> TicketEvent {
    let agent = (author == AuthorKind::Human).then(|| AgentId::new("ana").unwrap());
    TicketEvent::new(at, K::AgentMessage { author, visibility: Visibility::Public, agent })
}

fn status(at: DateTime<Utc>, s: Status) -> TicketEvent {
    TicketEvent::new(at, K::StatusChanged { status: s })
}

fn ticket(id: &str, events: Vec<TicketEvent>) -> Ticket {
    Ticket::new(TicketId::new(id).unwrap(), events).unwrap()
}

fn metrics(t: &Ticket, config: &MetricsConfig, as_of: DateTime<Utc>) -> TicketMetrics {
    t.metrics(config, &office(), as_of).unwrap()
}

const HOUR_MS: i64 = 3_600_000;

#[test]
fn bot_replies_do_not_stop_first_reply_time() {
    // Friday 16:00 → Monday 10:00 across the 2026 spring change: 65 wall hours, 2 business hours.
    let t = ticket(
        "T-1",
        vec![
            created(ny(3, 6, 16, 0), Channel::Email),
            msg(ny(3, 6, 16, 0)),
            reply(ny(3, 6, 16, 1), AuthorKind::Bot),
            reply(ny(3, 6, 16, 2), AuthorKind::Automation),
            reply(ny(3, 6, 16, 3), AuthorKind::System),
            TicketEvent::new(
                ny(3, 7, 9, 0),
                K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Internal, agent: None },
            ),
            reply(ny(3, 9, 10, 0), AuthorKind::Human),
        ],
    );
    let m = metrics(&t, &MetricsConfig::default(), ny(3, 9, 10, 0));
    assert_eq!(m.first_reply, Some(Elapsed { calendar_ms: 65 * HOUR_MS, business_ms: 2 * HOUR_MS }));
    assert_eq!(m.first_reply_at, Some(ny(3, 9, 10, 0)));
    assert_eq!((m.agent_replies, m.automated_messages), (1, 3));
    assert_eq!(m.agent, Some(AgentId::new("ana").unwrap()));
}

#[test]
fn reopened_ticket_keeps_its_first_cycle_first_reply_time() {
    let t = ticket(
        "T-2",
        vec![
            created(ny(10, 30, 16, 0), Channel::Email),
            msg(ny(10, 30, 16, 0)),
            reply(ny(11, 2, 10, 0), AuthorKind::Human), // autumn change in between: 67 wall hours, 2 business
            status(ny(11, 2, 10, 5), Status::Solved),
            TicketEvent::new(ny(11, 3, 9, 0), K::Reopened),
            msg(ny(11, 3, 9, 0)),
            reply(ny(11, 3, 9, 10), AuthorKind::Human),
            status(ny(11, 3, 9, 30), Status::Solved),
        ],
    );
    let m = metrics(&t, &MetricsConfig::default(), ny(11, 3, 12, 0));
    assert_eq!(m.first_reply, Some(Elapsed { calendar_ms: 67 * HOUR_MS, business_ms: 2 * HOUR_MS }));
    assert_eq!(m.next_replies, vec![Elapsed { calendar_ms: 600_000, business_ms: 600_000 }]);
    assert_eq!(m.reopens, 1);
    assert_eq!(m.first_resolution.unwrap().business_ms, 2 * HOUR_MS + 300_000);
    // Friday 16–17, Monday 9–17, Tuesday 9–9:30.
    assert_eq!(m.full_resolution.unwrap().business_ms, 9 * HOUR_MS + 30 * 60_000);
    assert!(m.customer_follow_up);
    assert_eq!(m.fcr(FcrDefinition::OnePublicReply), FcrOutcome::NotResolved);
    assert_eq!(m.fcr(FcrDefinition::NoCustomerFollowUp), FcrOutcome::NotResolved);
}

fn sla_of(m: &TicketMetrics, metric: SlaMetric) -> Option<SlaMeasure> {
    m.sla.iter().find(|s| s.metric == metric).copied()
}

#[test]
fn a_reopen_after_a_bot_solve_measures_first_reply_from_the_reopen() {
    // Chatwoot #12058's case: a bot solves the ticket, it is reopened five days later and a person answers ten
    // minutes after the reopen. The first reply time is 10 min, not 5 d 1 h 10 min (the cycle with the reply
    // starts at the reopen). Wednesday 3 June 2026 09:00 → Monday 8 June 10:00 in New York.
    let config = MetricsConfig::new().sla_policy(policy());
    let bot_solve = |reopen: Vec<TicketEvent>| {
        let mut events = vec![
            created(ny(6, 3, 9, 0), Channel::Chat),
            msg(ny(6, 3, 9, 0)),
            reply(ny(6, 3, 9, 5), AuthorKind::Bot),
            status(ny(6, 3, 9, 5), Status::Solved),
        ];
        events.extend(reopen);
        events.push(reply(ny(6, 8, 10, 10), AuthorKind::Human));
        ticket("R-1", events)
    };
    let ten_minutes = Elapsed { calendar_ms: 600_000, business_ms: 600_000 };
    let reopened = TicketEvent::new(ny(6, 8, 10, 0), K::Reopened);
    for (case, t) in [
        ("reopened by the customer's message", bot_solve(vec![reopened.clone(), msg(ny(6, 8, 10, 0))])),
        ("message, then the reopen", bot_solve(vec![msg(ny(6, 8, 10, 0)), reopened.clone()])),
        ("reopened with the question still unanswered", bot_solve(vec![reopened.clone()])),
        ("reopened by a status change", bot_solve(vec![status(ny(6, 8, 10, 0), Status::Open)])),
    ] {
        let m = metrics(&t, &config, ny(6, 8, 12, 0));
        assert_eq!(m.first_reply, Some(ten_minutes), "{case}");
        assert_eq!(m.first_reply_at, Some(ny(6, 8, 10, 10)), "{case}");
        assert!(m.next_replies.is_empty(), "{case}");
        // The SLA's first-reply clock runs in the same cycle: met at the reply, not cancelled by the bot's solve.
        let first = sla_of(&m, SlaMetric::FirstReply).unwrap();
        assert_eq!(first.status, SlaStatus::Met { at: ny(6, 8, 10, 10) }, "{case}");
        assert_eq!((first.met, first.breached), (1, 0), "{case}");
    }
    // From creation: the reopen starts the cycle that got the reply.
    let t = bot_solve(vec![reopened]);
    let created_config = MetricsConfig::new().frt_start(FrtStart::Created).sla_policy(policy());
    let m = metrics(&t, &created_config, ny(6, 8, 12, 0));
    assert_eq!(m.first_reply, Some(ten_minutes));
    assert_eq!(sla_of(&m, SlaMetric::FirstReply).unwrap().status, SlaStatus::Met { at: ny(6, 8, 10, 10) });
}

#[test]
fn a_reopen_with_the_last_message_unanswered_starts_a_next_reply_wait() {
    // Replied, then the customer wrote, the ticket was solved without an answer and reopened two days later: the
    // wait runs from the reopen (Chatwoot #11787), not from the message before the solve, and not never.
    let config = MetricsConfig::new().sla_policy(policy());
    let t = ticket(
        "R-2",
        vec![
            created(ny(6, 1, 9, 0), Channel::Email),
            msg(ny(6, 1, 9, 0)),
            reply(ny(6, 1, 9, 30), AuthorKind::Human),
            msg(ny(6, 1, 10, 0)),
            status(ny(6, 1, 10, 0), Status::Solved),
            TicketEvent::new(ny(6, 3, 11, 0), K::Reopened),
            reply(ny(6, 3, 11, 20), AuthorKind::Human),
        ],
    );
    let m = metrics(&t, &config, ny(6, 3, 12, 0));
    assert_eq!(m.first_reply, Some(Elapsed { calendar_ms: 30 * 60_000, business_ms: 30 * 60_000 }));
    assert_eq!(m.next_replies, [Elapsed { calendar_ms: 20 * 60_000, business_ms: 20 * 60_000 }]);
    let next = sla_of(&m, SlaMetric::NextReply).unwrap();
    assert_eq!(next.status, SlaStatus::Met { at: ny(6, 3, 11, 20) });
    // Answered before the solve: the reopen alone starts no wait.
    let answered = ticket(
        "R-3",
        vec![
            created(ny(6, 1, 9, 0), Channel::Email),
            msg(ny(6, 1, 9, 0)),
            reply(ny(6, 1, 9, 30), AuthorKind::Human),
            status(ny(6, 1, 10, 0), Status::Solved),
            TicketEvent::new(ny(6, 3, 11, 0), K::Reopened),
            reply(ny(6, 3, 11, 20), AuthorKind::Human),
        ],
    );
    assert!(metrics(&answered, &config, ny(6, 3, 12, 0)).next_replies.is_empty());
}

/// A step of a random ticket log: the event kinds that move the reply clocks, plus those that must not.
fn reply_log_event(k: u8, x: u8, at: DateTime<Utc>, solved: bool) -> Option<TicketEvent> {
    let kind = match k % 9 {
        0 | 1 => K::CustomerMessage,
        2 => K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, agent: None },
        3 | 4 => {
            let author =
                [AuthorKind::Bot, AuthorKind::Automation, AuthorKind::System, AuthorKind::Human][usize::from(x % 4)];
            let visibility =
                if author == AuthorKind::Human || x >= 128 { Visibility::Internal } else { Visibility::Public };
            K::AgentMessage { author, visibility, agent: None }
        }
        5 => K::StatusChanged { status: Status::Solved },
        6 => K::StatusChanged { status: [Status::Pending, Status::OnHold, Status::Open][usize::from(x % 3)] },
        7 if solved => K::Reopened,
        8 => K::PriorityChanged { priority: Priority::High },
        _ => return None,
    };
    Some(TicketEvent::new(at, kind))
}

fn is_human_reply(e: &TicketEvent) -> bool {
    matches!(e.kind, K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, .. })
}

/// The documented reply times, computed by looking back from each public human reply: its wait starts at the
/// earliest of the first customer message since the previous public human reply or solve, a reopen since then
/// that found the customer's last message unanswered (or, from creation, found no first reply yet), and the
/// creation (from creation, before anything else). `(start, reply)` of the first reply time, then of the others.
fn reference_waits(events: &[TicketEvent], from_created: bool) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut solves = Vec::new(); // indices of solves and reopens, by transition
    let mut reopens = Vec::new();
    let mut status = Status::Open;
    for (i, e) in events.iter().enumerate() {
        let next = match e.kind {
            K::StatusChanged { status } => status,
            K::Reopened => Status::Open,
            _ => continue,
        };
        if next.is_solved() != status.is_solved() {
            if next.is_solved() { solves.push(i) } else { reopens.push(i) }
        }
        status = next;
    }
    let replies: Vec<usize> = (0..events.len()).filter(|&i| is_human_reply(&events[i])).collect();
    let customer = |i: usize| matches!(events[i].kind, K::CustomerMessage);
    let mut waits = Vec::new();
    for &r in &replies {
        let previous_reply = replies.iter().copied().filter(|&j| j < r).max();
        let previous = previous_reply.max(solves.iter().copied().filter(|&j| j < r).max());
        let after = previous.map_or(0, |p| p + 1);
        let message = (after..r).find(|&i| customer(i));
        let reopen = reopens.iter().copied().filter(|&o| o >= after && o < r).find(|&o| {
            let last_reply = replies.iter().copied().filter(|&j| j < o).max();
            let unanswered = (last_reply.map_or(0, |j| j + 1)..o).any(customer);
            unanswered || (from_created && waits.is_empty())
        });
        let creation = (from_created && previous.is_none()).then_some(0);
        if let Some(start) = [message, reopen, creation].into_iter().flatten().min() {
            waits.push((events[start].at, events[r].at));
        }
    }
    waits
}

proptest! {
    /// First and next reply times equal the look-back reference on random logs, in both clocks; bot, automation
    /// and system messages and internal notes never stop (or start) a clock; the first-reply SLA judges the same
    /// wait.
    #[test]
    fn reply_times_follow_their_definition(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), 0_i64..3000), 0..24),
        from_created in any::<bool>(),
    ) {
        let start = ny(6, 5, 15, 0);
        let mut at = start;
        let mut events = vec![created(start, Channel::Email)];
        let mut solved = false;
        for &(k, x, minutes) in &steps {
            at += TimeDelta::minutes(minutes);
            if let Some(e) = reply_log_event(k, x, at, solved) {
                match e.kind {
                    K::StatusChanged { status } => solved = status.is_solved(),
                    K::Reopened => solved = false,
                    _ => {}
                }
                events.push(e);
            }
        }
        let frt_start = if from_created { FrtStart::Created } else { FrtStart::FirstCustomerMessage };
        let config = MetricsConfig::new().frt_start(frt_start).sla_policy(policy());
        let cal = office();
        let t = ticket("P-1", events.clone());
        let m = t.metrics(&config, &cal, at).unwrap();
        let elapsed = |(from, to): (DateTime<Utc>, DateTime<Utc>)| Elapsed {
            calendar_ms: (to - from).num_milliseconds(),
            business_ms: cal.business_time_between(from, to).unwrap().num_milliseconds(),
        };
        let waits = reference_waits(&events, from_created);
        prop_assert_eq!(m.first_reply, waits.first().copied().map(elapsed));
        let next: Vec<Elapsed> = waits.iter().skip(1).copied().map(elapsed).collect();
        prop_assert_eq!(&m.next_replies, &next);
        // Without the messages that are not public human replies, the same reply times.
        let people_only: Vec<TicketEvent> = events
            .iter()
            .filter(|e| !matches!(e.kind, K::AgentMessage { .. }) || is_human_reply(e))
            .cloned()
            .collect();
        let bare = ticket("P-1", people_only).metrics(&config, &cal, at).unwrap();
        prop_assert_eq!((bare.first_reply, &bare.next_replies), (m.first_reply, &m.next_replies));
        // When the first public human reply ended the first wait, the first-reply SLA judged that wait.
        if let (Some(&(_, reply_at)), Some(e)) = (waits.first(), m.first_reply)
            && m.first_reply_at == Some(reply_at)
        {
            let first = sla_of(&m, SlaMetric::FirstReply).unwrap();
            let target_ms = first.target_seconds * 1000;
            let met = matches!(first.status, SlaStatus::Met { at } if at == reply_at);
            prop_assert_eq!(met, e.business_ms <= target_ms, "{:?} for {:?}", first.status, e);
        }
    }
}

#[test]
fn first_reply_can_start_at_creation_and_pending_time_is_measured() {
    let t = ticket(
        "T-3",
        vec![
            created(ny(5, 4, 9, 0), Channel::Web),
            msg(ny(5, 4, 9, 30)),
            reply(ny(5, 4, 10, 0), AuthorKind::Human),
            status(ny(5, 4, 10, 0), Status::Pending),
            status(ny(5, 5, 10, 0), Status::OnHold),
            status(ny(5, 5, 11, 0), Status::Open),
            status(ny(5, 5, 12, 0), Status::Solved),
        ],
    );
    let m = metrics(&t, &MetricsConfig::new().frt_start(FrtStart::Created), ny(5, 5, 12, 0));
    assert_eq!(m.first_reply.unwrap().calendar_ms, HOUR_MS);
    let m = metrics(&t, &MetricsConfig::default(), ny(5, 5, 12, 0));
    assert_eq!(m.first_reply.unwrap().calendar_ms, HOUR_MS / 2);
    assert_eq!(m.pending, Elapsed { calendar_ms: 24 * HOUR_MS, business_ms: 8 * HOUR_MS });
    assert_eq!(m.on_hold, Elapsed { calendar_ms: HOUR_MS, business_ms: HOUR_MS });
    assert_eq!(m.fcr(FcrDefinition::OnePublicReply), FcrOutcome::Resolved);
    assert!(matches!(
        t.metrics(&MetricsConfig::default(), &office(), ny(5, 5, 11, 0)),
        Err(ServiceError::AsOfBeforeLastEvent { .. })
    ));
}

#[test]
fn bad_logs_are_typed_errors_naming_ticket_and_event() {
    let id = || TicketId::new("T-9").unwrap();
    let t0 = ny(6, 1, 9, 0);
    let later = ny(6, 1, 10, 0);
    let err = |events| Ticket::new(id(), events).unwrap_err();
    assert_eq!(err(vec![]), ServiceError::EmptyLog { ticket: id() });
    assert_eq!(
        err(vec![reply(t0, AuthorKind::Human), created(later, Channel::Email)]).to_string(),
        "ticket T-9: event 0 (agent_message) comes before the ticket was created"
    );
    assert_eq!(
        err(vec![created(later, Channel::Email), msg(t0)]),
        ServiceError::OutOfOrder { ticket: id(), index: 1, at: t0, previous_at: later }
    );
    let negative = TicketEvent::new(later, K::CallSegment { segment: CallSegment::Talk, duration_ms: -5 });
    assert_eq!(
        err(vec![created(t0, Channel::Phone), negative]).to_string(),
        "ticket T-9: event 1 has a negative duration of -5 ms"
    );
    assert!(matches!(
        err(vec![created(t0, Channel::Email), created(later, Channel::Email)]),
        ServiceError::DuplicateCreation { index: 1, .. }
    ));
    assert!(matches!(
        err(vec![created(t0, Channel::Email), status(t0, Status::Closed), msg(later)]),
        ServiceError::AfterClosed { index: 2, .. }
    ));
    assert!(matches!(
        err(vec![created(t0, Channel::Email), TicketEvent::new(later, K::Reopened)]),
        ServiceError::ReopenUnsolved { index: 1, status: Status::Open, .. }
    ));
    let answered = TicketEvent::new(later, K::Answered);
    assert!(matches!(
        err(vec![created(t0, Channel::Phone), answered, TicketEvent::new(later, K::Abandoned)]),
        ServiceError::UnexpectedEvent { index: 2, .. }
    ));
    // Deserialization validates too.
    let good = ticket("T-9", vec![created(t0, Channel::Email), msg(later)]);
    let json = serde_json::to_string(&good).unwrap();
    assert_eq!(serde_json::from_str::<Ticket>(&json).unwrap(), good);
    let swapped = json.replace(
        "customer_message",
        "created\",\"channel\":\"email\",\"requester\":\"00000000-0000-0000-0000-000000000001\",\"priority\":\"low",
    );
    assert!(serde_json::from_str::<Ticket>(&swapped).is_err());
}

fn policy() -> SlaPolicy {
    SlaPolicy::new([
        SlaRule::new(SlaMetric::FirstReply, 4 * 3600, SlaClock::Business).unwrap(),
        SlaRule::new(SlaMetric::FirstReply, 3600, SlaClock::Business).unwrap().priority(Priority::Urgent),
        SlaRule::new(SlaMetric::NextReply, 8 * 3600, SlaClock::Business).unwrap(),
        SlaRule::new(SlaMetric::PeriodicUpdate, 24 * 3600, SlaClock::Calendar).unwrap(),
        SlaRule::new(SlaMetric::Resolution, 16 * 3600, SlaClock::Business).unwrap(),
    ])
    .unwrap()
}

#[test]
fn sla_status_per_metric_and_next_deadline() {
    let config = MetricsConfig::new().sla_policy(policy());
    // Created Friday 16:00; as of Friday 16:30 the first reply is due Monday 12:00 (4 business hours).
    let open = ticket("S-1", vec![created(ny(3, 6, 16, 0), Channel::Email), msg(ny(3, 6, 16, 0))]);
    let m = metrics(&open, &config, ny(3, 6, 16, 30));
    let first = m.sla.iter().find(|s| s.metric == SlaMetric::FirstReply).unwrap();
    assert_eq!(first.status, SlaStatus::InProgress { deadline: ny(3, 9, 12, 0) });
    assert_eq!(m.next_deadline, Some(ny(3, 9, 12, 0)));
    assert_eq!(open.next_deadline(&config, &office(), ny(3, 6, 16, 30)).unwrap(), Some(ny(3, 9, 12, 0)));
    // As of Monday 13:00 without a reply it is breached at Monday 12:00.
    let m = metrics(&open, &config, ny(3, 9, 13, 0));
    let first = m.sla.iter().find(|s| s.metric == SlaMetric::FirstReply).unwrap();
    assert_eq!(first.status, SlaStatus::Breached { at: ny(3, 9, 12, 0), stopped_at: None });
    assert_eq!(first.breached, 1);
    // Urgent: one business hour, priority chosen at the end of the log; due Friday 17:00, replied Monday 09:30.
    let urgent = ticket(
        "S-2",
        vec![
            created(ny(3, 6, 16, 0), Channel::Email),
            msg(ny(3, 6, 16, 0)),
            TicketEvent::new(ny(3, 6, 16, 10), K::PriorityChanged { priority: Priority::Urgent }),
            reply(ny(3, 9, 9, 30), AuthorKind::Human),
            status(ny(3, 9, 9, 30), Status::Pending),
        ],
    );
    let m = metrics(&urgent, &config, ny(3, 10, 9, 0));
    let get = |metric| m.sla.iter().find(|s| s.metric == metric).copied().unwrap();
    assert_eq!(
        get(SlaMetric::FirstReply).status,
        SlaStatus::Breached { at: ny(3, 6, 17, 0), stopped_at: Some(ny(3, 9, 9, 30)) }
    );
    assert_eq!(get(SlaMetric::FirstReply).target_seconds, 3600);
    // Resolution paused while pending: 1.5 business hours used of 16.
    assert_eq!(get(SlaMetric::Resolution).status, SlaStatus::Paused { remaining_ms: 14 * HOUR_MS + HOUR_MS / 2 });
    // Periodic update counts on the calendar clock from the reply: due 24 hours later.
    assert_eq!(get(SlaMetric::PeriodicUpdate).status, SlaStatus::InProgress { deadline: ny(3, 10, 9, 30) });
    assert_eq!(m.next_deadline, Some(ny(3, 10, 9, 30)));
    let json = serde_json::to_string(&policy()).unwrap();
    assert_eq!(serde_json::from_str::<SlaPolicy>(&json).unwrap(), policy());
    assert!(SlaRule::new(SlaMetric::Resolution, 0, SlaClock::Business).is_err());
    let dup = SlaPolicy::new([
        SlaRule::new(SlaMetric::Resolution, 60, SlaClock::Business).unwrap(),
        SlaRule::new(SlaMetric::Resolution, 90, SlaClock::Calendar).unwrap(),
    ]);
    assert!(matches!(dup, Err(ServiceError::DuplicateSlaRule { .. })));
}

#[test]
fn resolution_sla_is_met_or_breached_at_the_solve() {
    let config = MetricsConfig::new().sla_policy(policy());
    let t = ticket(
        "S-3",
        vec![
            created(ny(4, 6, 9, 0), Channel::Chat),
            msg(ny(4, 6, 9, 0)),
            reply(ny(4, 6, 9, 5), AuthorKind::Human),
            status(ny(4, 6, 9, 10), Status::Solved),
            TicketEvent::new(ny(4, 7, 9, 0), K::Reopened),
            status(ny(4, 9, 9, 0), Status::Solved),
        ],
    );
    // 10 minutes, then 2 business days (16 h) after the reopen: 16 h 10 min > 16 h, breached on 2026-04-08 at 16:50.
    let m = metrics(&t, &config, ny(4, 10, 9, 0));
    let res = m.sla.iter().find(|s| s.metric == SlaMetric::Resolution).unwrap();
    assert_eq!(res.status, SlaStatus::Breached { at: ny(4, 8, 16, 50), stopped_at: Some(ny(4, 9, 9, 0)) });
    assert_eq!(m.next_deadline, None);
}

fn phone(id: &str, requester: u128, start: DateTime<Utc>, wait_s: i64, answered: bool, talk_s: i64) -> Ticket {
    let mut events = vec![TicketEvent::new(
        start,
        K::Created { channel: Channel::Phone, requester: customer(requester), priority: Priority::Normal },
    )];
    let end = start + TimeDelta::seconds(wait_s);
    if answered {
        events.push(TicketEvent::new(end, K::Answered));
        for (segment, ms) in
            [(CallSegment::Talk, talk_s * 1000), (CallSegment::Hold, 30_000), (CallSegment::AfterCallWork, 60_000)]
        {
            events.push(TicketEvent::new(end, K::CallSegment { segment, duration_ms: ms }));
        }
        events.push(reply(end, AuthorKind::Human));
        events.push(status(end + TimeDelta::seconds(talk_s), Status::Solved));
    } else {
        events.push(TicketEvent::new(end, K::Abandoned));
    }
    ticket(id, events)
}

#[test]
fn queue_figures_and_handle_time_are_ratios_of_sums() {
    let t0 = ny(7, 1, 10, 0);
    let tickets = [
        phone("P-1", 1, t0, 10, true, 120),
        phone("P-2", 2, t0, 30, true, 600),
        phone("P-3", 3, t0, 5, false, 0),
        phone("P-4", 4, t0, 60, false, 0),
        phone("P-5", 5, t0, 15, true, 60),
    ];
    let ms: Vec<TicketMetrics> =
        tickets.iter().map(|t| metrics(t, &MetricsConfig::default(), ny(7, 2, 0, 0))).collect();
    let report = ServiceReport::new(&ms, &ReportConfig::new());
    let g = report.group(&GroupKey::All).unwrap();
    // AHT = (120 + 600 + 60 talk + 3 × 30 hold + 3 × 60 wrap-up) s / 3 = 350 s.
    assert_eq!(g.handled, 3);
    assert_eq!(g.handle_total_ms, 1_050_000);
    assert_eq!(g.average_handle_time_ms, Some(350_000.0));
    let s = g.sync;
    assert_eq!((s.offered, s.answered, s.abandoned), (5, 3, 2));
    assert_eq!(s.average_speed_of_answer_ms, Some(55_000.0 / 3.0));
    assert_eq!(s.abandonment_rate, Some(0.4));
    // Threshold 20 s: answered within 2 (10 s, 15 s); abandoned within 1 (5 s).
    assert_eq!(s.service_level, Some(2.0 / 4.0)); // ExcludeShortAbandons
    let level = |method| {
        let config = ReportConfig::new().service_level(ServiceLevelConfig { threshold_seconds: 20, method }).unwrap();
        ServiceReport::new(&ms, &config).groups[0].sync.service_level.unwrap()
    };
    assert_eq!(level(ServiceLevelMethod::AllOffered), 2.0 / 5.0);
    assert_eq!(level(ServiceLevelMethod::AnsweredOnly), 2.0 / 3.0);
    assert_eq!(level(ServiceLevelMethod::ShortAbandonsAsMet), 3.0 / 5.0);
    // The fifth ICMI formula, short abandons (within S ≤ T) as met: the 5 s abandon counts at S = 5, not at S = 4;
    // the 60 s abandon never does. (2 + 1)/5 and (2 + 0)/5.
    let short = |s| ServiceLevelMethod::ShortAbandonsUnderAsMet { short_abandon_seconds: s };
    assert_eq!(level(short(5)), 3.0 / 5.0);
    assert_eq!(level(short(4)), 2.0 / 5.0);
    let config =
        ReportConfig::new().service_level(ServiceLevelConfig { threshold_seconds: 20, method: short(5) }).unwrap();
    let five = ServiceReport::new(&ms, &config).groups[0].sync;
    assert_eq!((five.abandoned_within_threshold, five.abandoned_within_short_threshold), (1, 1));
    assert_eq!(s.abandoned_within_short_threshold, 0); // counted only for the fifth formula
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains(r#"{"short_abandons_under_as_met":{"short_abandon_seconds":5}}"#), "{json}");
    assert_eq!(serde_json::from_str::<ReportConfig>(&json).unwrap(), config);
    for bad in [-1, 21] {
        let e = ReportConfig::new().service_level(ServiceLevelConfig { threshold_seconds: 20, method: short(bad) });
        assert_eq!(e.unwrap_err().to_string(), format!("invalid short-abandon threshold (seconds, 0 to 20): {bad}"));
        let bad_json = json.replace(r#""short_abandon_seconds":5"#, &format!(r#""short_abandon_seconds":{bad}"#));
        assert!(serde_json::from_str::<ReportConfig>(&bad_json).is_err());
    }
    assert_eq!(g.fcr.resolved, 3);
}

#[test]
fn fcr_definitions_are_named_and_zero_reply_solves_reported_apart() {
    let t0 = ny(8, 3, 10, 0);
    let one_touch = phone("F-1", 1, t0, 5, true, 60);
    let repeat = phone("F-2", 1, t0 + TimeDelta::days(3), 5, true, 60);
    let zero =
        ticket("F-3", vec![created(t0, Channel::Email), msg(t0), status(t0 + TimeDelta::hours(1), Status::Solved)]);
    let surveyed = ticket(
        "F-4",
        vec![
            created(t0, Channel::Email),
            msg(t0),
            reply(t0 + TimeDelta::hours(1), AuthorKind::Human),
            reply(t0 + TimeDelta::hours(2), AuthorKind::Human),
            status(t0 + TimeDelta::hours(2), Status::Solved),
            TicketEvent::new(t0 + TimeDelta::hours(3), K::SurveySent),
            TicketEvent::new(t0 + TimeDelta::hours(4), K::SurveyAnswered { resolved: Some(true) }),
        ],
    );
    let open = ticket("F-5", vec![created(t0, Channel::Email), msg(t0)]);
    let all: Vec<TicketMetrics> = [&one_touch, &repeat, &zero, &surveyed, &open]
        .iter()
        .map(|t| metrics(t, &MetricsConfig::default(), ny(9, 1, 0, 0)))
        .collect();
    let fcr = |definition| ServiceReport::new(&all, &ReportConfig::new().fcr(definition)).groups[0].fcr;
    let d = fcr(FcrDefinition::OnePublicReply);
    assert_eq!((d.resolved, d.not_resolved, d.zero_reply_solves, d.excluded), (2, 1, 1, 1));
    assert_eq!(d.rate(), Some(2.0 / 3.0));
    let d = fcr(FcrDefinition::NoRepeatContact { days: 7 });
    // Everyone here is requester 1: F-1 and F-4 are followed by F-2 three days later; F-2 by nothing.
    assert_eq!((d.resolved, d.not_resolved, d.zero_reply_solves, d.excluded), (1, 2, 1, 1));
    let d = fcr(FcrDefinition::SurveyConfirmed);
    assert_eq!((d.resolved, d.not_resolved, d.zero_reply_solves, d.excluded), (1, 0, 1, 3));
    // No customer follow-up: F-4's second agent reply (the customer never wrote again) still counts.
    let d = fcr(FcrDefinition::NoCustomerFollowUp);
    assert_eq!((d.resolved, d.not_resolved, d.zero_reply_solves, d.excluded), (3, 0, 1, 1));
    assert_eq!(d.definition, FcrDefinition::NoCustomerFollowUp);
    assert_eq!(all[3].fcr(FcrDefinition::OnePublicReply), FcrOutcome::NotResolved);
    assert_eq!(all[3].fcr(FcrDefinition::NoCustomerFollowUp), FcrOutcome::Resolved);
    // The customer writes again after the first reply: not resolved at first contact, whatever followed.
    let follow_up = ticket(
        "F-6",
        vec![
            created(t0, Channel::Email),
            msg(t0),
            reply(t0 + TimeDelta::hours(1), AuthorKind::Human),
            msg(t0 + TimeDelta::hours(2)),
            status(t0 + TimeDelta::hours(3), Status::Solved),
        ],
    );
    let m = metrics(&follow_up, &MetricsConfig::default(), ny(9, 1, 0, 0));
    assert_eq!(m.fcr(FcrDefinition::NoCustomerFollowUp), FcrOutcome::NotResolved);
    let json = serde_json::to_string(&FcrDefinition::NoCustomerFollowUp).unwrap();
    assert_eq!(json, r#"{"type":"no_customer_follow_up"}"#);
}

#[test]
fn groups_percentiles_and_sla_achievement() {
    let config = MetricsConfig::new().sla_policy(policy());
    let mut all = Vec::new();
    for (i, minutes) in [1_i64, 2, 3, 4, 5, 6, 7, 8, 9, 100].into_iter().enumerate() {
        let start = ny(9, 1, 10, 0) + TimeDelta::days(i64::try_from(i).unwrap() % 2);
        let t = ticket(
            &format!("G-{i}"),
            vec![
                created(start, Channel::Email),
                msg(start),
                reply(start + TimeDelta::minutes(minutes), AuthorKind::Human),
            ],
        );
        all.push(metrics(&t, &config, ny(9, 5, 0, 0)));
    }
    let report = ServiceReport::new(&all, &ReportConfig::new().percentiles(vec![500, 900]).unwrap());
    let g = &report.groups[0];
    let frt = &g.first_reply.business;
    assert_eq!(frt.median_ms, Some(5.0 * 60_000.0));
    assert_eq!(frt.percentiles[1].value_ms, 9.0 * 60_000.0);
    assert_eq!(frt.mean_ms, Some(145.0 * 60_000.0 / 10.0));
    let linear = ServiceReport::new(&all, &ReportConfig::new().method(PercentileMethod::Linear));
    assert_eq!(linear.groups[0].first_reply.business.median_ms, Some(5.5 * 60_000.0));
    let sla = g.sla.iter().find(|a| a.metric == SlaMetric::FirstReply).unwrap();
    assert_eq!((sla.met, sla.breached), (10, 0));
    let by_day = ServiceReport::new(&all, &ReportConfig::new().group_by(GroupBy::Day).zone(NY));
    let keys: Vec<_> = by_day.groups.iter().map(|g| (g.key.clone(), g.tickets)).collect();
    let day = |d| GroupKey::Day(chrono::NaiveDate::from_ymd_opt(2026, 9, d).unwrap());
    assert_eq!(keys, vec![(day(1), 5), (day(2), 5)]);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"method\":\"nearest_rank\""));
}

#[test]
fn churn_known_answers() {
    let period = ChurnCounts::new(500, 30, 450).unwrap();
    assert_eq!(period.lost(), 80);
    assert_eq!((period.churn_rate() * Decimal::ONE_HUNDRED).round_dp(2).to_string(), "16.00");
    assert_eq!((period.retention_rate() * Decimal::ONE_HUNDRED).round_dp(2).to_string(), "84.00");
    let yearly = compound_churn(Decimal::new(2, 2), 12).unwrap();
    assert_eq!((yearly * Decimal::ONE_HUNDRED).round_dp(2).to_string(), "21.53");
    assert!(ChurnCounts::new(500, 30, 20).is_err());
    assert!(ChurnCounts::new(0, 0, 0).is_err());
    assert!(compound_churn(Decimal::new(11, 1), 2).is_err());

    let usd = |cents| Money::from_minor(cents, Currency::USD);
    let r = RevenueMovements::new(usd(1_000_000), usd(150_000), usd(50_000), usd(100_000)).unwrap();
    assert_eq!(r.revenue_churn(), Decimal::new(15, 2));
    assert_eq!(r.gross_revenue_retention(), Decimal::new(85, 2));
    assert_eq!(r.net_revenue_retention(), Decimal::ONE);
    let eur = Money::from_minor(1, Currency::EUR);
    assert!(matches!(RevenueMovements::new(usd(100), eur, usd(0), usd(0)), Err(ServiceError::Money(_))));
    // Net revenue churn = (contraction + churned − expansion)/starting = 1 − NRR: 0 here; −2 % when expansion
    // outweighs the losses.
    assert_eq!(r.net_revenue_churn(), Decimal::ZERO);
    assert_eq!(r.net_churned_revenue().unwrap(), usd(0));
    let negative = RevenueMovements::new(usd(1_000_000), usd(30_000), usd(0), usd(10_000)).unwrap();
    assert_eq!(negative.net_revenue_churn(), Decimal::new(-2, 2));
    assert_eq!(negative.net_churned_revenue().unwrap(), usd(-20_000));
    assert_eq!(Decimal::ONE - negative.net_revenue_retention(), negative.net_revenue_churn());
    // A third: exact to 28 digits until rounded with a named strategy (0.3333 either way, 0.3334 upward).
    let third = RevenueMovements::new(usd(300), usd(0), usd(0), usd(100)).unwrap();
    assert_eq!(third.net_revenue_churn().to_string(), "0.3333333333333333333333333333");
    assert_eq!(third.net_revenue_churn_rounded(4, Rounding::HalfEven), Decimal::new(3333, 4));
    assert_eq!(third.net_revenue_churn_rounded(4, Rounding::Ceiling), Decimal::new(3334, 4));
}

#[test]
fn churn_denominators_and_period_conversion() {
    // Average-customer denominator: 80 lost over (500 + 450)/2 = 475 → 0.16842105263157894736842105263… (mpmath);
    // Decimal keeps 28 places.
    let period = ChurnCounts::new(500, 30, 450).unwrap();
    let average = period.churn_rate_by(ChurnDenominator::Average);
    assert_eq!(average.to_string(), "0.1684210526315789473684210526");
    assert_eq!(period.churn_rate_by(ChurnDenominator::Start), period.churn_rate());
    assert_eq!(period.churn_rate_by(ChurnDenominator::default()), Decimal::new(16, 2));
    // Everyone lost and nobody left: 100/((100 + 0)/2) = 2, the average denominator's known overshoot.
    let wiped = ChurnCounts::new(100, 0, 0).unwrap();
    assert_eq!(wiped.churn_rate_by(ChurnDenominator::Average), Decimal::TWO);
    // Rate conversion at a constant hazard, 1 − (1 − r)^(to/from) (mpmath, 40 digits; 24 places kept).
    for (rate, from, to, want) in [
        ("0.30", 12, 1, "0.029285530376777664026398"),
        ("0.10", 30, 7, "0.024284392043208565457070"),
        ("0.06", 3, 1, "0.020413891284438506170694"),
        ("0.02", 1, 12, "0.215283276265199966613504"),
        ("0.5", 7, 30, "0.948729040249522629301857"),
    ] {
        let got = convert_churn(rate.parse().unwrap(), from, to).unwrap();
        let want: Decimal = want.parse().unwrap();
        assert!((got - want).abs() <= Decimal::new(1, 24), "{rate} {from}→{to}: {got} vs {want}");
    }
    // Monthly → annual is compounding, exactly.
    assert_eq!(convert_churn(Decimal::new(2, 2), 1, 12).unwrap(), compound_churn(Decimal::new(2, 2), 12).unwrap());
    // Same length, no churn, everyone: unchanged.
    for r in [Decimal::ZERO, Decimal::new(37, 2), Decimal::ONE] {
        assert_eq!(convert_churn(r, 5, 5).unwrap(), r);
    }
    assert_eq!(convert_churn(Decimal::ONE, 12, 1).unwrap(), Decimal::ONE);
    assert!(matches!(convert_churn(Decimal::new(2, 2), 0, 1), Err(ServiceError::InvalidConfig { .. })));
    assert!(matches!(convert_churn(Decimal::new(-1, 2), 1, 2), Err(ServiceError::InvalidRate { .. })));

    let members = vec![
        CohortMember { cohort: 0, active_periods: vec![0, 1, 2] },
        CohortMember { cohort: 0, active_periods: vec![0, 2] },
        CohortMember { cohort: 1, active_periods: vec![1] },
    ];
    let table = CohortTable::new(&members, 2);
    assert_eq!(table.rows[0].active, vec![2, 1, 2]);
    assert_eq!(table.rows[0].retention(1), Some(Decimal::new(5, 1)));
    assert_eq!(table.rows[1].active, vec![1, 0, 0]);
}

#[test]
fn consecutive_poor_experiences_signal() {
    let c = customer(1);
    let d = customer(2);
    let day = |n| Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap() + TimeDelta::days(n);
    let events = vec![
        ExperienceEvent::csat(c, day(0), 1).unwrap(),
        ExperienceEvent::csat(c, day(1), 5).unwrap(), // good: resets
        ExperienceEvent::csat(c, day(2), 2).unwrap(),
        ExperienceEvent::nps(c, day(3), 8).unwrap(), // passive: neutral
        ExperienceEvent::nps(c, day(4), 6).unwrap(),
        ExperienceEvent::sla_breached(c, day(5)),
        ExperienceEvent::sla_breached(d, day(0)),
        ExperienceEvent::sla_breached(d, day(200)), // after as_of: ignored
    ];
    let policy = PoorExperiencePolicy::default();
    let streaks = consecutive_poor_experiences(&events, &policy, day(10));
    assert_eq!(streaks.len(), 2);
    assert_eq!((streaks[0].customer, streaks[0].count, streaks[0].flagged), (c, 3, true));
    assert_eq!(streaks[0].since, day(2));
    assert_eq!((streaks[1].count, streaks[1].flagged), (1, false));
    let mut reversed = events;
    reversed.reverse();
    assert_eq!(consecutive_poor_experiences(&reversed, &policy, day(10)), streaks);
    assert!(ExperienceEvent::csat(c, day(0), 6).is_err());
    assert!(PoorExperiencePolicy::new(0, 30, 2).is_err());
}

// --- aggregation is independent of ticket order ------------------------------------------------------------------

fn arbitrary_ticket(i: usize, seed: (u8, u8, u16, u16, bool, u8)) -> Ticket {
    let (channel, requester, frt_min, solve_min, reopen, agent) = seed;
    let channels = [Channel::Email, Channel::Chat, Channel::Phone, Channel::Social];
    let channel = channels[usize::from(channel) % channels.len()];
    let start = ny(10, 1, 8, 0) + TimeDelta::minutes(i64::try_from(i).unwrap() * 97);
    let mut events = vec![
        TicketEvent::new(
            start,
            K::Created { channel, requester: customer(u128::from(requester % 5) + 1), priority: Priority::Normal },
        ),
        msg(start),
        TicketEvent::new(
            start,
            K::Assigned { agent: Some(AgentId::new(&format!("a{}", agent % 3)).unwrap()), team: None },
        ),
    ];
    let r = start + TimeDelta::minutes(i64::from(frt_min));
    if channel.is_synchronous() {
        events.push(TicketEvent::new(r, K::Answered));
        events.push(TicketEvent::new(
            r,
            K::CallSegment { segment: CallSegment::Talk, duration_ms: i64::from(frt_min) * 1000 },
        ));
    }
    events.push(reply(r, AuthorKind::Human));
    let s = r + TimeDelta::minutes(i64::from(solve_min));
    events.push(status(s, Status::Solved));
    if reopen {
        events.push(TicketEvent::new(s + TimeDelta::hours(1), K::Reopened));
        events.push(msg(s + TimeDelta::hours(1)));
    }
    ticket(&format!("R-{i}"), events)
}

proptest! {
    #[test]
    fn aggregation_is_order_independent(
        seeds in proptest::collection::vec((any::<u8>(), any::<u8>(), 0_u16..3000, 0_u16..3000, any::<bool>(), any::<u8>()), 1..25),
        rotate in 0_usize..25,
        group in 0_usize..4,
    ) {
        let config = MetricsConfig::new().sla_policy(policy());
        let cal = office();
        let as_of = ny(12, 1, 0, 0);
        let ms: Vec<TicketMetrics> = seeds.iter().enumerate()
            .map(|(i, s)| arbitrary_ticket(i, *s).metrics(&config, &cal, as_of).unwrap())
            .collect();
        let by = [GroupBy::All, GroupBy::Agent, GroupBy::Channel, GroupBy::Week][group];
        let report_config = ReportConfig::new().group_by(by).zone(NY).fcr(FcrDefinition::NoRepeatContact { days: 7 });
        let forward = ServiceReport::new(&ms, &report_config);
        let mut shuffled = ms.clone();
        shuffled.reverse();
        let len = shuffled.len();
        shuffled.rotate_left(rotate % len);
        prop_assert_eq!(&forward, &ServiceReport::new(&shuffled, &report_config));
        let total: u64 = forward.groups.iter().map(|g| g.tickets).sum();
        prop_assert_eq!(total, u64::try_from(ms.len()).unwrap());
    }
}

#[test]
fn next_reply_cycles_and_cancellation_by_a_solve() {
    let config = MetricsConfig::new().sla_policy(policy());
    let mut events = vec![
        created(ny(6, 1, 9, 0), Channel::Email),
        msg(ny(6, 1, 9, 0)),
        reply(ny(6, 1, 9, 30), AuthorKind::Human),
        msg(ny(6, 1, 10, 0)),
        msg(ny(6, 1, 11, 0)), // still the same wait: the clock runs from the oldest unanswered message
    ];
    let t = ticket("N-1", events.clone());
    let m = metrics(&t, &config, ny(6, 1, 19, 0));
    let get = |m: &TicketMetrics, metric| m.sla.iter().find(|s| s.metric == metric).copied().unwrap();
    assert_eq!(get(&m, SlaMetric::NextReply).status, SlaStatus::InProgress { deadline: ny(6, 2, 10, 0) });
    // The periodic update (24 calendar hours from the 09:30 reply) falls due first.
    assert_eq!(m.next_deadline, Some(ny(6, 2, 9, 30)));
    events.push(status(ny(6, 2, 9, 0), Status::Solved));
    let m = metrics(&ticket("N-1", events.clone()), &config, ny(6, 3, 0, 0));
    assert_eq!(get(&m, SlaMetric::NextReply).status, SlaStatus::Cancelled { at: ny(6, 2, 9, 0) });
    assert_eq!(get(&m, SlaMetric::PeriodicUpdate).status, SlaStatus::Cancelled { at: ny(6, 2, 9, 0) });
    assert_eq!(get(&m, SlaMetric::Resolution).status, SlaStatus::Met { at: ny(6, 2, 9, 0) });
    assert_eq!(m.next_deadline, None);
    // Reopened and answered late: the second wait breaches at its deadline, the first cycle stays cancelled.
    events.push(TicketEvent::new(ny(6, 3, 9, 0), K::Reopened));
    events.push(msg(ny(6, 3, 9, 0)));
    events.push(reply(ny(6, 4, 12, 0), AuthorKind::Human));
    let m = metrics(&ticket("N-1", events), &config, ny(6, 5, 0, 0));
    let next = get(&m, SlaMetric::NextReply);
    assert_eq!(next.status, SlaStatus::Breached { at: ny(6, 3, 17, 0), stopped_at: Some(ny(6, 4, 12, 0)) });
    assert_eq!((next.met, next.breached), (0, 1));
    assert_eq!(m.first_reply.unwrap().calendar_ms, HOUR_MS / 2);
    // The first wait ended with the solve; the second lasted Wednesday 09:00 → Thursday 12:00.
    assert_eq!(m.next_replies, vec![Elapsed { calendar_ms: 27 * HOUR_MS, business_ms: 11 * HOUR_MS }]);
}

#[test]
fn calendar_is_open_reports_open_hours() {
    let cal = office();
    assert!(cal.is_open(ny(6, 1, 9, 0)).unwrap());
    assert!(!cal.is_open(ny(6, 1, 17, 0)).unwrap());
    assert!(!cal.is_open(ny(6, 6, 12, 0)).unwrap());
}

fn arbitrary_kind(k: u8, x: u8) -> K {
    let author = [AuthorKind::Human, AuthorKind::Bot, AuthorKind::Automation, AuthorKind::System][usize::from(x % 4)];
    let visibility = if x.is_multiple_of(5) { Visibility::Internal } else { Visibility::Public };
    let statuses = [Status::Open, Status::Pending, Status::OnHold, Status::Solved, Status::Closed];
    match k % 12 {
        0 => K::Created { channel: Channel::Chat, requester: customer(1), priority: Priority::High },
        1 | 2 => K::CustomerMessage,
        3 | 4 => K::AgentMessage { author, visibility, agent: None },
        5 => K::StatusChanged { status: statuses[usize::from(x) % statuses.len()] },
        6 => K::Reopened,
        7 => K::Answered,
        8 => K::Abandoned,
        9 => K::CallSegment { segment: CallSegment::Hold, duration_ms: i64::from(x) - 20 },
        10 => K::PriorityChanged { priority: Priority::Urgent },
        _ => K::SurveyAnswered { resolved: Some(x.is_multiple_of(2)) },
    }
}

proptest! {
    /// Any log is either rejected with a typed error or measured; nothing panics, and what is measured is sane.
    #[test]
    fn arbitrary_logs_never_panic(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), -600_i64..100_000), 0..30),
        as_of_extra in 0_i64..10_000_000,
    ) {
        let start = ny(3, 7, 23, 0);
        let mut at = start;
        let mut events = vec![created(start, Channel::Chat)];
        for (k, x, dt) in &steps {
            at += TimeDelta::seconds(*dt);
            events.push(TicketEvent::new(at, arbitrary_kind(*k, *x)));
        }
        let config = MetricsConfig::new().sla_policy(policy());
        if let Ok(t) = Ticket::new(TicketId::new("X").unwrap(), events) {
            let as_of = t.last_event_at() + TimeDelta::seconds(as_of_extra);
            let m = t.metrics(&config, &office(), as_of).unwrap();
            for e in m.first_reply.iter().chain(&m.next_replies).chain(&m.first_resolution).chain(&m.full_resolution) {
                prop_assert!(0 <= e.business_ms && e.business_ms <= e.calendar_ms);
            }
            prop_assert!(m.next_deadline.is_none_or(|d| d >= as_of));
        }
    }
}

proptest! {
    /// Out-of-range instants and durations are errors, never panics.
    #[test]
    fn calendar_extremes_are_errors(secs in -20_000_000_000_i64..20_000_000_000, dur in any::<i64>()) {
        let cal = office();
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        let epoch = DateTime::from_timestamp(0, 0).unwrap();
        let _ = cal.business_time_between(t.min(epoch), t.max(epoch));
        if let Some(d) = TimeDelta::try_milliseconds(dur) {
            let _ = cal.add_business_time(t, d);
        }
        let _ = cal.is_open(t);
    }
}

#[test]
fn report_config_round_trips_and_rejects_unknown_zones() {
    let config = ReportConfig::new().group_by(GroupBy::Week).zone(NY).method(PercentileMethod::Linear);
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<ReportConfig>(&json).unwrap(), config);
    let bad = json.replace("America/New_York", "America/Gotham");
    let err = serde_json::from_str::<ReportConfig>(&bad).unwrap_err();
    assert!(err.to_string().starts_with("unknown time zone \"America/Gotham\""), "{err}");
    assert!(ReportConfig::new().percentiles(vec![500, 1001]).is_err());
}

#[test]
fn an_escalation_retargets_running_clocks_and_keeps_completed_ones() {
    let config = MetricsConfig::new().sla_policy(policy());
    let t = ticket(
        "E-1",
        vec![
            created(ny(6, 8, 9, 0), Channel::Email),
            msg(ny(6, 8, 9, 0)),
            reply(ny(6, 8, 11, 0), AuthorKind::Human), // 2 h: met under the normal 4-hour target
            TicketEvent::new(ny(6, 8, 12, 0), K::PriorityChanged { priority: Priority::Urgent }),
        ],
    );
    let m = metrics(&t, &config, ny(6, 8, 12, 0));
    let first = m.sla.iter().find(|s| s.metric == SlaMetric::FirstReply).unwrap();
    assert_eq!(first.status, SlaStatus::Met { at: ny(6, 8, 11, 0) });
    assert_eq!(first.target_seconds, 4 * 3600);
    // Escalated while waiting: the urgent 1-hour target counts from the first message, so it is already breached.
    let waiting = ticket(
        "E-2",
        vec![
            created(ny(6, 8, 9, 0), Channel::Email),
            msg(ny(6, 8, 9, 0)),
            TicketEvent::new(ny(6, 8, 11, 0), K::PriorityChanged { priority: Priority::Urgent }),
        ],
    );
    let m = metrics(&waiting, &config, ny(6, 8, 11, 0));
    let first = m.sla.iter().find(|s| s.metric == SlaMetric::FirstReply).unwrap();
    assert_eq!(first.status, SlaStatus::Breached { at: ny(6, 8, 10, 0), stopped_at: None });
    assert_eq!(first.target_seconds, 3600);
}

proptest! {
    /// Converting a churn rate to another period length and back returns it (to the 24 places kept), and a
    /// longer period never has less churn.
    #[test]
    fn churn_conversion_round_trips(basis_points in 0_i64..=10_000, from in 1_u32..60, to in 1_u32..60) {
        let rate = Decimal::new(basis_points, 4);
        let there = convert_churn(rate, from, to).unwrap();
        prop_assert!(there >= Decimal::ZERO && there <= Decimal::ONE);
        let back = convert_churn(there, to, from).unwrap();
        // A Decimal below 1 keeps 28 places: when almost everyone churns over the longer period, 1 − there has
        // few significant digits left for the way back. Check the round trip while 1 − there ≥ 1e-8.
        if Decimal::ONE - there >= Decimal::new(1, 8) {
            prop_assert!((back - rate).abs() <= Decimal::new(1, 18), "{rate} → {there} → {back}");
        }
        if to >= from {
            prop_assert!(there >= rate);
        } else {
            prop_assert!(there <= rate);
        }
    }
}
