//! The stored configuration and results, as this build writes them: programs, policies, a business calendar,
//! survey tallies, a ticket log and a service report (insta snapshots in `tests/golden/snapshots/`). Each one
//! reads back to the value it was written from, and re-serializes to the same JSON. None of these carries a
//! format version yet (see `notes/wire-format.md`): a change of their shape fails here and needs an entry under
//! Breaking changes.

use std::fmt::Debug;

use chrono::{DateTime, TimeZone};
use chrono_tz::{America::New_York, Asia::Ho_Chi_Minh};
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::care::{CarePolicy, CarePolicySpec};
use customer_care::metrics::{CesScale, CsatScale, CsatScore};
use customer_care::service::{
    AgentId, AuthorKind, Channel, MetricsConfig, Priority, ReportConfig, ServiceReport, Status, Ticket, TicketEvent,
    TicketEventKind as K, TicketId, Visibility,
};
use customer_care::{CesTally, CsatTally, CustomerId, NpsTally};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire::{insta_settings, pretty};
use crate::wire_streams::{points_program, wallet_program};

/// Locks `value`'s JSON under `name` and checks that it reads back to `value` and writes the same JSON again.
fn lock<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, value: &T) {
    let json = pretty(value);
    insta_settings().bind(|| insta::assert_snapshot!(name, json));
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(&back, value, "{name}");
    assert_eq!(pretty(&back), json, "{name}");
}

#[test]
fn programs_and_policies_are_written_as_recorded() {
    lock("points_program", &points_program());
    lock("wallet_program", &wallet_program());
    let spec = CarePolicySpec::example("Cà phê Sáng", Ho_Chi_Minh, "50000 VND".parse().unwrap());
    lock("care_policy", &CarePolicy::new(spec).unwrap());
}

fn office() -> BusinessCalendar {
    let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
    BusinessCalendar::builder(New_York, hours).build().unwrap()
}

#[test]
fn tallies_are_written_as_recorded() {
    let mut nps = NpsTally::default();
    nps.add_values(&[0, 3, 6, 7, 8, 9, 10, 10, 10]).unwrap();
    lock("nps_tally", &nps);
    let mut csat = CsatTally::new(CsatScale::FIVE_POINT);
    for value in [5, 4, 4, 3, 1] {
        csat.add(CsatScore::new(CsatScale::FIVE_POINT, value).unwrap()).unwrap();
    }
    lock("csat_tally", &csat);
    let mut ces = CesTally::new(CesScale::Ces2);
    ces.add_values(&[1, 4, 5, 6, 7, 7]).unwrap();
    lock("ces_tally", &ces);
}

fn ny(d: u32, h: u32, min: u32) -> DateTime<chrono::Utc> {
    New_York.with_ymd_and_hms(2026, 3, d, h, min, 0).single().unwrap().to_utc()
}

#[test]
fn calendars_tickets_and_reports_are_written_as_recorded() {
    let calendar = office();
    lock("business_calendar", &calendar);
    let requester = CustomerId::from_u128(0x5001).unwrap();
    let agent = Some(AgentId::new("ana").unwrap());
    let ticket = Ticket::new(
        TicketId::new("T-1001").unwrap(),
        vec![
            TicketEvent::new(ny(6, 16, 0), K::Created { channel: Channel::Email, requester, priority: Priority::High }),
            TicketEvent::new(ny(6, 16, 0), K::CustomerMessage),
            TicketEvent::new(
                ny(6, 16, 1),
                K::AgentMessage { author: AuthorKind::Bot, visibility: Visibility::Public, agent: None },
            ),
            TicketEvent::new(
                ny(9, 10, 0),
                K::AgentMessage { author: AuthorKind::Human, visibility: Visibility::Public, agent },
            ),
            TicketEvent::new(ny(9, 11, 0), K::StatusChanged { status: Status::Solved }),
        ],
    )
    .unwrap();
    lock("ticket", &ticket);
    let metrics = ticket.metrics(&MetricsConfig::default(), &calendar, ny(10, 9, 0)).unwrap();
    lock("service_report", &ServiceReport::new(&[metrics], &ReportConfig::new()));
}
