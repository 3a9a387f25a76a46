//! Local-time rules in folds and gaps: the regression of issue 14 §4 (quiet hours in a repeated autumn hour), and
//! a minute-by-minute oracle across the 2026 transitions of Europe/London, America/New_York, Australia/Lord_Howe
//! (30-minute DST) and America/Santiago (missing midnight).
//!
//! The oracle is a naive model built from first principles: each zone's 2026 offsets written out by hand from
//! the tz database's rules (checked against chrono-tz below), the local time of an instant is the instant plus the
//! offset in force, and each rule's expected answer is found by walking minutes — never by the library's code.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use customer_care::care::{
    CareKind, CarePlan, CarePolicy, CarePolicySpec, CareSubject, CareWindow, Deferral, ResolvedTicket, SendAt, Step,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, PreferencesPatch, Purpose,
    QuietHours,
};
use customer_care::loyalty::{ExpiryPolicy, LoyaltyProgram, Points, ProgramSpec};
use customer_care::metrics::{Period, TimeBucket};
use customer_care::service::{GroupBy, GroupKey, ReportConfig, ServiceReport, TicketId};
use customer_care::wallet::{BonusExpiry, StoredValueProgram, StoredValueSpec};
use customer_care::{Command, CommandId, Currency, CustomerId, Decision, Money};
use rust_decimal::Decimal;

use crate::common::at;
use crate::edges::metrics_created_at;

fn time(s: &str) -> NaiveTime {
    s.parse().unwrap()
}

/// A registered customer in `zone` with a phone and SMS consent for service and marketing, born on `birthday`.
fn customer(zone: Tz, birthday: Option<AnnualDate>) -> Customer {
    let mut c = Customer::new(CustomerId::from_u128(1).unwrap());
    let profile = NewProfile::default()
        .preferred_name("Lan")
        .unwrap()
        .phone("0903 123 456", customer_care::customer::Region::VN)
        .unwrap()
        .build();
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
    k.voucher = Some("HPBD".into());
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

// ------------------------------------------------------------------------------------------------ the oracle

/// A zone's 2026 as a naive model: the offset on 1 January and each change (instant, offset after), in seconds.
struct Model {
    tz: Tz,
    base: i64,
    changes: [(DateTime<Utc>, i64); 2],
}

const H: i64 = 3600;

/// The 2026 offsets, from the tz database's rules (the rule lines quoted), by hand.
fn models() -> Vec<Model> {
    vec![
        // EU: Rule EU 1981 max - Mar lastSun 1:00u 1:00 S; Rule EU 1996 max - Oct lastSun 1:00u 0 -
        Model {
            tz: chrono_tz::Europe::London,
            base: 0,
            changes: [(at(2026, 3, 29, 1, 0), H), (at(2026, 10, 25, 1, 0), 0)],
        },
        // US: Rule US 2007 max - Mar Sun>=8 2:00 1:00 D; Rule US 2007 max - Nov Sun>=1 2:00 0 S (wall clock)
        Model {
            tz: chrono_tz::America::New_York,
            base: -5 * H,
            changes: [(at(2026, 3, 8, 7, 0), -4 * H), (at(2026, 11, 1, 6, 0), -5 * H)],
        },
        // LH: Rule LH 2008 max - Apr Sun>=1 2:00 0 -; Rule LH 2008 max - Oct Sun>=1 2:00 0:30 - (wall clock,
        // standard offset +10:30: summer +11 until 02:00 on 5 April, 15:00Z on the 4th; +10:30 to 02:00 on 4 October)
        Model {
            tz: chrono_tz::Australia::Lord_Howe,
            base: 11 * H,
            changes: [(at(2026, 4, 4, 15, 0), 10 * H + 1800), (at(2026, 10, 3, 15, 30), 11 * H)],
        },
        // Chile: Rule Chile 2023 max - Apr Sun>=2 3:00u 0 -; Rule Chile 2022 max - Sep Sun>=2 4:00u 1:00 -
        // (the September change skips local midnight: 00:00 -04 becomes 01:00 -03)
        Model {
            tz: chrono_tz::America::Santiago,
            base: -3 * H,
            changes: [(at(2026, 4, 5, 3, 0), -4 * H), (at(2026, 9, 6, 4, 0), -3 * H)],
        },
    ]
}

impl Model {
    fn offset(&self, t: DateTime<Utc>) -> i64 {
        self.changes.iter().rev().find(|(c, _)| *c <= t).map_or(self.base, |(_, o)| *o)
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + TimeDelta::seconds(self.offset(t))
    }

    /// The first whole minute at or after `from` where `holds`; offsets change on whole minutes and every
    /// local-time rule here is in whole minutes, so minutes are exact. `None` after two days.
    fn first_minute(&self, from: DateTime<Utc>, holds: impl Fn(NaiveDateTime) -> bool) -> Option<DateTime<Utc>> {
        let mut t = from;
        for _ in 0..2 * 24 * 60 {
            if holds(self.local(t)) {
                return Some(t);
            }
            t += TimeDelta::minutes(1);
        }
        None
    }

    /// The earliest instant whose local date and time are at or after `wanted`.
    fn at_local(&self, wanted: NaiveDateTime) -> Option<DateTime<Utc>> {
        // No instant before `wanted` read with the largest offset, less a minute, has a local time at or after it.
        let largest = self.changes.iter().map(|(_, o)| *o).fold(self.base, i64::max);
        let from = wanted.and_utc() - TimeDelta::seconds(largest) - TimeDelta::minutes(1);
        assert!(self.local(from) < wanted);
        self.first_minute(from, |l| l >= wanted)
    }

    /// Every minute within `hours` of each change.
    fn minutes_around(&self, hours: i64) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        self.changes.iter().flat_map(move |(c, _)| (-hours * 60..=hours * 60).map(move |m| *c + TimeDelta::minutes(m)))
    }

    /// The local dates on which the clocks change (read with the offset before the change), and the day before.
    fn change_dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self
            .changes
            .iter()
            .flat_map(|(c, _)| {
                let d = self.local(*c - TimeDelta::seconds(1)).date();
                [d.pred_opt().unwrap(), d, d.succ_opt().unwrap()]
            })
            .collect();
        dates.dedup();
        dates
    }
}

#[test]
fn the_oracle_agrees_with_the_tz_database_every_hour_of_2026() {
    // The hand-written model is only an oracle if it is right: compare it with chrono-tz every hour of the year
    // and every minute around each change.
    for model in models() {
        let start = at(2026, 1, 1, 0, 0);
        let hours = (0..365 * 24).map(|h| start + TimeDelta::hours(h));
        for t in hours.chain(model.minutes_around(3)) {
            let tz_offset = i64::from(model.tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc());
            assert_eq!(model.offset(t), tz_offset, "{} at {t}", model.tz);
        }
    }
}

/// Bucketing by local day: `Period::containing`, the service report's day key and `CareWindow::local_day`.
#[test]
fn local_days_match_the_oracle_minute_by_minute() {
    let mut ticket = metrics_created_at(at(2026, 1, 1, 0, 0));
    for model in models() {
        let mut checked = 0;
        let by_day = ReportConfig::new().group_by(GroupBy::Day).zone(model.tz);
        for t in model.minutes_around(36) {
            let expected = model.local(t).date();
            assert_eq!(Period::containing(t, TimeBucket::Day, model.tz).start(), expected, "{} {t}", model.tz);
            ticket.created_at = t;
            let report = ServiceReport::new(std::slice::from_ref(&ticket), &by_day);
            assert_eq!(report.groups[0].key, GroupKey::Day(expected), "{} {t}", model.tz);
            checked += 1;
        }
        assert_eq!(checked, 2 * (72 * 60 + 1));
        // A local day runs from the first instant whose local date is that day to the first instant of the next.
        for date in model.change_dates() {
            let window = CareWindow::local_day(date, model.tz).unwrap();
            let start = model.at_local(date.and_time(NaiveTime::MIN)).unwrap();
            let end = model.at_local(date.succ_opt().unwrap().and_time(NaiveTime::MIN)).unwrap();
            assert_eq!((window.start(), window.end()), (start, end), "{} {date}", model.tz);
        }
    }
}

/// Expiry at the local end of day: points usable through tomorrow (loyalty, rolling 1 day) and a bonus usable
/// through tomorrow (stored value, 1 day) expire at the first instant whose local date is after tomorrow.
#[test]
fn expiry_at_local_end_of_day_matches_the_oracle_minute_by_minute() {
    for model in models() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let mut spec = ProgramSpec::new(model.tz, usd(100), Decimal::ONE).redeem(Points::new(100), usd(100));
        spec.expiry = ExpiryPolicy::RollingDays { days: 1 };
        let loyalty = LoyaltyProgram::new(spec).unwrap();
        let mut wallet = StoredValueSpec::new(model.tz, Currency::VND);
        wallet.bonus_expiry = BonusExpiry::Days { days: 1 };
        let wallet = StoredValueProgram::new(wallet).unwrap();
        let mut ends = std::collections::BTreeMap::new();
        for t in model.minutes_around(36) {
            let through = model.local(t).date().succ_opt().unwrap();
            let expected = *ends
                .entry(through)
                .or_insert_with(|| model.at_local(through.succ_opt().unwrap().and_time(NaiveTime::MIN)));
            assert_eq!(loyalty.expiry_for(t), expected, "{} {t}", model.tz);
            assert_eq!(wallet.bonus_expiry_for(t), expected, "{} {t}", model.tz);
        }
    }
}

/// Send times: a birthday greeting at local time `T` on the day goes out at the earliest instant whose local
/// date and time are at or after (day, `T`) — the first occurrence in a fold, the clocks' jump in a gap — for
/// every minute `T` of the days around each change.
#[test]
fn send_times_match_the_oracle_for_every_minute_of_the_changing_days() {
    for model in models() {
        let dates = model.change_dates();
        let people: Vec<(NaiveDate, Customer)> = dates
            .iter()
            .map(|d| {
                let birthday = format!("--{:02}-{:02}", d.month(), d.day()).parse::<AnnualDate>().unwrap();
                (*d, customer(model.tz, Some(birthday)))
            })
            .collect();
        for minute in 0..24 * 60 {
            let send = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap();
            let care = policy(model.tz, CareKind::Birthday, SendAt::LocalTime { time: send }, None);
            for (date, person) in &people {
                let expected = model.at_local(date.and_time(send)).unwrap();
                let start = date.and_time(NaiveTime::MIN).and_utc() - TimeDelta::days(1);
                let window = CareWindow::new(start, start + TimeDelta::days(3)).unwrap();
                let plan = care.plan(window, [CareSubject::new(person)]);
                assert_eq!(plan.actions.len(), 1, "{} {date} {send}: {plan:?}", model.tz);
                assert_eq!(plan.actions[0].due_at, expected, "{} {date} {send}", model.tz);
            }
        }
    }
}

/// Quiet hours: an action due at any minute around a change goes out at the first minute, at or after it,
/// whose local time is outside the quiet span — so in a fold both occurrences of a quiet time are quiet and a
/// span ends at its end's next occurrence, and a span whose end the clocks jump past ends at the jump.
#[test]
fn quiet_hours_match_the_oracle_minute_by_minute() {
    let spans = [
        ("00:00", "01:30"),
        ("01:30", "03:00"),
        ("01:00", "02:30"),
        ("02:00", "02:30"),
        ("23:30", "00:30"),
        ("00:15", "00:45"),
        ("22:00", "07:00"),
    ];
    for model in models() {
        let lan = customer(model.tz, None);
        for (from, to) in spans {
            let quiet = QuietHours::new(time(from), time(to)).unwrap();
            let care = policy(model.tz, CareKind::Survey, SendAt::AfterAnchor { minutes: 0 }, Some(quiet));
            for due in model.minutes_around(6) {
                let expected = model.first_minute(due, |l| !quiet.contains(l.time())).unwrap();
                let plan = survey_plan(&care, &lan, due);
                assert_eq!(plan.actions.len(), 1, "{} {from}-{to} due {due}: {:?}", model.tz, plan.skipped);
                let action = &plan.actions[0];
                assert_eq!(action.due_at, expected, "{} {from}-{to} due {due}", model.tz);
                let deferred = (expected > due).then_some(Deferral::QuietHours);
                assert_eq!(action.deferred, deferred, "{} {from}-{to} due {due}", model.tz);
            }
        }
    }
}
