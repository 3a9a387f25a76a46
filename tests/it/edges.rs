//! No panic at any instant: the regressions of issue 14 §3, and one harness that calls every public entry point
//! taking instants or local dates at both ends of chrono's range, in zones east and west of UTC.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use customer_care::CustomerId;
use customer_care::care::{CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, ResolvedTicket, StageFacts};
use customer_care::customer::Customer;
use customer_care::lifecycle::Stage;
use customer_care::service::{GroupBy, GroupKey, ReportConfig, ServiceReport, TicketId};

const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

fn policy(zone: Tz) -> CarePolicy {
    CarePolicy::new(CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse().unwrap())).unwrap()
}

/// A window of one day in 2026: the anchors lie ~262,000 years away, so nothing is due, but every anchor is looked
/// at (each kind converts its anchor to a local date).
fn window_2026() -> CareWindow {
    CareWindow::local_day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), chrono_tz::UTC).unwrap()
}

#[test]
fn planning_with_anchors_at_the_ends_of_time_does_not_panic() {
    // Issue 14 §3: a resolved ticket or a stage start near MAX_UTC for a customer in UTC+7, or near MIN_UTC in
    // UTC-8, panicked with "Local time out of range" in the planner.
    let nobody = Customer::new(CustomerId::from_u128(1).unwrap());
    for (zone, anchor) in [
        (chrono_tz::Asia::Ho_Chi_Minh, MAX),
        (chrono_tz::Asia::Ho_Chi_Minh, MAX - TimeDelta::hours(1)),
        (chrono_tz::America::Los_Angeles, MIN),
        (chrono_tz::America::Los_Angeles, MIN + TimeDelta::hours(1)),
    ] {
        let care = policy(zone);
        let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: anchor }];
        for stage in [Stage::Loyal, Stage::Aging] {
            let subject = CareSubject {
                stage: Some(StageFacts { stage, since: anchor }),
                resolved_tickets: &tickets,
                ..CareSubject::new(&nobody)
            };
            let plan = care.plan(window_2026(), [subject]);
            assert!(plan.actions.is_empty() && plan.skipped.is_empty(), "{zone} {anchor}: {plan:?}");
        }
    }
    // And a window at the very end of time, where the steps of such anchors are due.
    let care = policy(chrono_tz::Asia::Ho_Chi_Minh);
    let window = CareWindow::new(MAX - TimeDelta::days(2), MAX).unwrap();
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-2").unwrap(), resolved_at: MAX - TimeDelta::days(1) }];
    let subject = CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&nobody) };
    let plan = care.plan(window, [subject]);
    // The survey is due 60 minutes after the resolution; `nobody` never registered, so it is skipped as such.
    assert_eq!(plan.skipped.len(), 1, "{plan:?}");
    assert_eq!(plan.skipped[0].kind, CareKind::Survey);
}

#[test]
fn service_report_by_local_period_accepts_a_ticket_created_at_min_utc_in_new_york() {
    // Issue 14 §3: grouping by day, week or month in America/New_York panicked on a ticket created at MIN_UTC.
    let ticket = metrics_created_at(MIN);
    let first = NaiveDate::MIN;
    for (by, key) in [
        (GroupBy::Day, GroupKey::Day(first)),
        (GroupBy::Week, GroupKey::Week(first)),
        (GroupBy::Month, GroupKey::Month(first)),
    ] {
        let config = ReportConfig::new().group_by(by).zone(chrono_tz::America::New_York);
        let report = ServiceReport::new(std::slice::from_ref(&ticket), &config);
        assert_eq!(report.groups.len(), 1);
        assert_eq!(report.groups[0].key, key, "{by:?}");
        assert_eq!(report.groups[0].tickets, 1);
    }
}

/// The metrics of a small solved ticket, moved to start at `at` (the fields are public: a host can build any).
pub fn metrics_created_at(at: DateTime<Utc>) -> customer_care::service::TicketMetrics {
    use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
    use customer_care::service::{Channel, MetricsConfig, Priority, Ticket, TicketEvent, TicketEventKind};
    let t0 = crate::common::at(2026, 3, 2, 14, 0);
    let events = vec![
        TicketEvent::new(
            t0,
            TicketEventKind::Created {
                channel: Channel::Email,
                requester: CustomerId::from_u128(7).unwrap(),
                priority: Priority::Normal,
            },
        ),
        TicketEvent::new(t0, TicketEventKind::CustomerMessage),
    ];
    let ticket = Ticket::new(TicketId::new("E-1").unwrap(), events).unwrap();
    let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
    let calendar = BusinessCalendar::builder(chrono_tz::America::New_York, hours).build().unwrap();
    let mut m = ticket.metrics(&MetricsConfig::new(), &calendar, t0 + TimeDelta::hours(1)).unwrap();
    m.created_at = at;
    m
}
