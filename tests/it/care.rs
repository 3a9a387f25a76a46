//! The care planner: known answers for the issue's cases, and property tests for its promises.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use customer_care::care::{
    CareAction, CareEvent, CareKind, CarePlan, CarePolicy, CarePolicySpec, CareSubject, CareWindow, Deferral,
    FrequencyCap, KindPolicy, PointsFacts, Refusal, ResolvedTicket, SendAt, SkipReason, StageFacts, Step,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, LeapDayPolicy, NewProfile, OccasionKind, PreferencesPatch,
    Purchase, Purpose, QuietHours,
};
use customer_care::ledger::UpcomingExpiry;
use customer_care::lifecycle::Stage;
use customer_care::service::TicketId;
use customer_care::{Command, CommandId, CustomerId, Decision, Points};
use proptest::prelude::*;

use crate::common::at;

fn time(s: &str) -> NaiveTime {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A customer built by deciding and applying `commands` in order, each at its instant (moved later when needed:
/// the clock never goes back, and a purchase is recorded after it happened).
fn build(n: u128, commands: Vec<(DateTime<Utc>, CustomerCommand)>) -> Customer {
    let mut customer = Customer::new(CustomerId::from_u128(n).unwrap());
    let mut clock = DateTime::<Utc>::MIN_UTC;
    for (i, (issued_at, body)) in commands.into_iter().enumerate() {
        clock = clock.max(issued_at);
        if let CustomerCommand::RecordPurchase(p) = &body {
            clock = clock.max(p.purchased_at);
        }
        let issued_at = clock;
        let command = Command::new(CommandId::from_u128(i as u128 + 1).unwrap(), issued_at, body);
        match customer.decide(&command).unwrap() {
            Decision::Accepted(commit) => customer.apply(&commit),
            Decision::Duplicate { .. } => unreachable!(),
        }
    }
    customer
}

fn register(name: &str, with_phone: bool) -> CustomerCommand {
    let mut profile = NewProfile::default().preferred_name(name).unwrap();
    if with_phone {
        profile = profile.phone("0903 123 456", customer_care::customer::Region::VN).unwrap();
    }
    CustomerCommand::Register { profile: profile.build(), registered_at: None }
}

fn grant(channel: Channel, purpose: Purpose) -> CustomerCommand {
    CustomerCommand::GrantConsent { channel, purpose, source: None }
}

fn birthday(s: &str) -> CustomerCommand {
    CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: s.parse::<AnnualDate>().unwrap() }
}

fn language(tag: &str) -> CustomerCommand {
    CustomerCommand::SetPreferences {
        patch: PreferencesPatch { language: Some(Change::Set(tag.parse().unwrap())), ..Default::default() },
    }
}

/// Registered 2025-01-10 with a phone, SMS consent for both purposes, Vietnamese, and `more`.
fn regular(n: u128, more: Vec<CustomerCommand>) -> Customer {
    let t = at(2025, 1, 10, 3, 0);
    let mut commands = vec![
        (t, register("chị Lan", true)),
        (t, grant(Channel::Sms, Purpose::Marketing)),
        (t, grant(Channel::Sms, Purpose::Service)),
        (t, language("vi")),
    ];
    commands.extend(more.into_iter().map(|c| (t, c)));
    build(n, commands)
}

/// The example policy with only `kinds` on, no caps and no gap unless a test sets them.
fn policy_with(kinds: &[CareKind], edit: impl FnOnce(&mut CarePolicySpec)) -> CarePolicy {
    let mut spec = CarePolicySpec::example("Cà phê Sáng", Ho_Chi_Minh, "50000 VND".parse().unwrap());
    spec.kinds.retain(|k, _| kinds.contains(k));
    spec.caps.clear();
    spec.min_gap_minutes = 0;
    edit(&mut spec);
    CarePolicy::new(spec).unwrap()
}

fn day(s: &str) -> CareWindow {
    CareWindow::local_day(date(s), Ho_Chi_Minh).unwrap()
}

fn keys(plan: &CarePlan) -> Vec<String> {
    plan.actions.iter().map(|a| a.key.to_string()).collect()
}

// ------------------------------------------------------------------------------------------------ known answers

#[test]
fn leap_day_birthday_in_a_common_year_under_each_policy() {
    let leapling = regular(1, vec![birthday("2004-02-29")]);
    for (policy, observed) in [(LeapDayPolicy::February28, "2027-02-28"), (LeapDayPolicy::March1, "2027-03-01")] {
        let care = policy_with(&[CareKind::Birthday], |s| s.leap_day = policy);
        // Planned on the observed day, at 09:00 local (02:00 UTC), keyed by that date.
        let plan = care.plan(day(observed), [CareSubject::new(&leapling)]);
        assert_eq!(plan.actions.len(), 1, "{policy:?}");
        let action = &plan.actions[0];
        assert_eq!(
            action.due_at,
            CareWindow::local_day(date(observed), Ho_Chi_Minh).unwrap().start() + TimeDelta::hours(9)
        );
        assert_eq!(action.key.to_string(), format!("00000000-0000-0000-0000-000000000001/birthday/{observed}/0"));
        assert_eq!(
            action.message,
            "Chúc mừng sinh nhật chị Lan! Cà phê Sáng gửi tặng bạn mã quà HPBD cho lần ghé tiếp theo."
        );
        // And not on the other candidate day.
        let other = if observed == "2027-02-28" { "2027-03-01" } else { "2027-02-28" };
        assert!(care.plan(day(other), [CareSubject::new(&leapling)]).actions.is_empty(), "{policy:?}");
        // In a leap year both policies greet on 29 February.
        assert_eq!(care.plan(day("2028-02-29"), [CareSubject::new(&leapling)]).actions.len(), 1);
    }
}

#[test]
fn quiet_hours_defer_a_2130_action_to_0800_next_day_in_ho_chi_minh() {
    let lan = regular(2, vec![]);
    // A survey due 30 minutes after a ticket resolved at 21:00 local (14:00 UTC): 21:30 local, inside 21:00–08:00.
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-9").unwrap(), resolved_at: at(2026, 11, 23, 14, 0) }];
    let care = policy_with(&[CareKind::Survey], |s| {
        s.kinds.get_mut(&CareKind::Survey).unwrap().send_at = SendAt::AfterAnchor { minutes: 30 };
    });
    let subject = CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&lan) };
    let plan = care.plan(day("2026-11-23"), [subject]);
    let action = &plan.actions[0];
    assert_eq!(action.scheduled_at, at(2026, 11, 23, 14, 30)); // 21:30 local
    assert_eq!(action.due_at, at(2026, 11, 24, 1, 0)); // 08:00 local the next day
    assert_eq!(action.deferred, Some(Deferral::QuietHours));
    assert_eq!(action.key.to_string(), "00000000-0000-0000-0000-000000000002/survey/T-9/0");
    assert_eq!(action.purpose, Purpose::Service);
    // The customer's own quiet hours (07:00–09:30) add to the business's: due at 09:30 instead.
    let early = build(
        3,
        vec![
            (at(2025, 1, 10, 3, 0), register("Minh", true)),
            (at(2025, 1, 10, 3, 0), grant(Channel::Sms, Purpose::Service)),
            (
                at(2025, 1, 10, 3, 0),
                CustomerCommand::SetPreferences {
                    patch: PreferencesPatch {
                        quiet_hours: Some(Change::Set("07:00-09:30".parse::<QuietHours>().unwrap())),
                        ..Default::default()
                    },
                },
            ),
        ],
    );
    let plan = care.plan(day("2026-11-23"), [CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&early) }]);
    assert_eq!(plan.actions[0].due_at, at(2026, 11, 24, 2, 30));
}

#[test]
fn a_cap_of_two_per_seven_days_drops_the_third_marketing_action_with_its_reason() {
    // Three marketing actions due on one day: birthday (09:00), win-back (10:00) and loyal reward (10:00).
    let lan = regular(4, vec![birthday("1990-11-23")]);
    let care = policy_with(&[CareKind::Birthday, CareKind::WinBack, CareKind::LoyalReward], |s| {
        s.caps = vec![FrequencyCap { channel: None, max: 2, days: 7 }];
        for kind in [CareKind::WinBack, CareKind::LoyalReward] {
            s.kinds.get_mut(&kind).unwrap().stages = None;
        }
    });
    let stage = StageFacts { stage: Stage::Aging, since: at(2026, 11, 22, 20, 0) };
    let subject = CareSubject { stage: Some(stage), ..CareSubject::new(&lan) };
    let plan = care.plan(day("2026-11-23"), [subject.clone()]);
    let kinds: Vec<CareKind> = plan.actions.iter().map(|a| a.kind).collect();
    // Ties at 10:00 go to the higher priority: win-back (60) before the loyal reward (40).
    assert_eq!(kinds, [CareKind::Birthday, CareKind::WinBack]);
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].kind, CareKind::LoyalReward);
    assert_eq!(plan.skipped[0].reason, SkipReason::Capped { max: 2, days: 7 });

    // History counts: one marketing message sent 6 days ago leaves room for one more.
    let history = [CareEvent::CareSent {
        key: "earlier/welcome/x/0".into(),
        kind: CareKind::Welcome,
        channel: Channel::Sms,
        at: at(2026, 11, 17, 3, 0),
    }];
    let plan = care.plan(day("2026-11-23"), [CareSubject { history: &history, ..subject.clone() }]);
    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.skipped.len(), 2);
    // Sent eight days ago, it no longer counts.
    let old = [CareEvent::CareSent {
        key: "earlier/welcome/x/0".into(),
        kind: CareKind::Welcome,
        channel: Channel::Sms,
        at: at(2026, 11, 15, 3, 0),
    }];
    assert_eq!(care.plan(day("2026-11-23"), [CareSubject { history: &old, ..subject }]).actions.len(), 2);
}

#[test]
fn no_marketing_without_consent_while_a_service_message_still_goes() {
    let t = at(2025, 1, 10, 3, 0);
    let service_only = build(
        5,
        vec![(t, register("Hùng", true)), (t, grant(Channel::Sms, Purpose::Service)), (t, birthday("1985-11-23"))],
    );
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: at(2026, 11, 23, 2, 0) }];
    let care = policy_with(&[CareKind::Birthday, CareKind::Survey], |s| {
        for p in s.kinds.values_mut() {
            p.channels = vec![Channel::Sms, Channel::Email];
        }
    });
    let plan =
        care.plan(day("2026-11-23"), [CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&service_only) }]);
    assert_eq!(plan.actions.len(), 1);
    assert_eq!((plan.actions[0].kind, plan.actions[0].channel), (CareKind::Survey, Channel::Sms));
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].kind, CareKind::Birthday);
    assert_eq!(
        plan.skipped[0].reason,
        SkipReason::NoChannel {
            refusals: vec![(Channel::Sms, Refusal::NoConsent), (Channel::Email, Refusal::NoContactPoint)]
        }
    );
}

#[test]
fn an_erased_customer_gets_nothing() {
    let t = at(2025, 1, 10, 3, 0);
    let erased = build(
        6,
        vec![
            (t, register("Lan", true)),
            (t, grant(Channel::Sms, Purpose::Service)),
            (at(2026, 1, 1, 0, 0), CustomerCommand::Erase),
        ],
    );
    let points = PointsFacts {
        available: Points::new(500),
        expiring: Some(UpcomingExpiry { expires_at: at(2026, 11, 30, 17, 0), amount: Points::new(200) }),
        ..PointsFacts::default()
    };
    let care = policy_with(&[CareKind::PointsExpiring], |_| {});
    let plan = care.plan(day("2026-11-23"), [CareSubject { points: Some(points), ..CareSubject::new(&erased) }]);
    assert!(plan.actions.is_empty());
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].reason, SkipReason::Erased);
}

#[test]
fn planning_a_window_twice_yields_identical_keys_and_sent_keys_are_not_planned_again() {
    let lan = regular(
        7,
        vec![
            birthday("1990-11-23"),
            CustomerCommand::RecordPurchase(Purchase::new(
                "HD-7".parse().unwrap(),
                "85000 VND".parse().unwrap(),
                at(2026, 11, 20, 3, 0),
            )),
        ],
    );
    let care = policy_with(&[CareKind::Birthday, CareKind::PurchaseFollowUp], |_| {});
    let first = care.plan(day("2026-11-23"), [CareSubject::new(&lan)]);
    let second = care.plan(day("2026-11-23"), [CareSubject::new(&lan)]);
    assert_eq!(first, second);
    assert_eq!(
        keys(&first),
        [
            "00000000-0000-0000-0000-000000000007/birthday/2026-11-23/0",
            "00000000-0000-0000-0000-000000000007/purchase_follow_up/HD-7/0",
        ]
    );
    let follow_up = &first.actions[1];
    assert_eq!(
        follow_up.message,
        "Chào chị Lan, cảm ơn bạn đã mua đơn HD-7 (85.000 ₫) ngày 20/11/2026 tại Cà phê Sáng. Bạn thấy thế nào? Hãy trả lời tin nhắn này nhé."
    );
    // The host records what it sent: the next plan leaves it out (silently: it is done, not skipped).
    let history: Vec<CareEvent> = first
        .actions
        .iter()
        .map(|a: &CareAction| CareEvent::CareSent {
            key: a.key.clone(),
            kind: a.kind,
            channel: a.channel,
            at: a.due_at,
        })
        .collect();
    let after = care.plan(day("2026-11-23"), [CareSubject { history: &history, ..CareSubject::new(&lan) }]);
    assert!(after.actions.is_empty() && after.skipped.is_empty());
    // The next step of the follow-up (day 7) is when to plan again.
    assert_eq!(first.next_deadline, Some(at(2026, 11, 27, 3, 0)));
}

#[test]
fn min_gap_moves_the_later_message_and_service_goes_first_on_ties() {
    let lan = regular(8, vec![birthday("1990-11-23")]);
    let points = PointsFacts {
        available: Points::new(900),
        expiring: Some(UpcomingExpiry { expires_at: at(2026, 11, 29, 17, 0), amount: Points::new(300) }),
        ..PointsFacts::default()
    };
    let care = policy_with(&[CareKind::Birthday, CareKind::PointsExpiring], |s| {
        s.min_gap_minutes = 120;
        // Both at 09:00 local.
        s.kinds.get_mut(&CareKind::PointsExpiring).unwrap().send_at = SendAt::LocalTime { time: time("09:00") };
        s.kinds.get_mut(&CareKind::PointsExpiring).unwrap().steps = vec![Step::days(-6)];
    });
    let plan = care.plan(day("2026-11-23"), [CareSubject { points: Some(points), ..CareSubject::new(&lan) }]);
    let got: Vec<(CareKind, DateTime<Utc>, Option<Deferral>)> =
        plan.actions.iter().map(|a| (a.kind, a.due_at, a.deferred)).collect();
    assert_eq!(
        got,
        [
            (CareKind::PointsExpiring, at(2026, 11, 23, 2, 0), None),
            (CareKind::Birthday, at(2026, 11, 23, 4, 0), Some(Deferral::MinGap)),
        ]
    );
    // Points expire at 00:00 on 30 November local: usable through the 29th.
    assert_eq!(
        plan.actions[0].message,
        "Chào chị Lan, 300 điểm Cà phê Sáng của bạn sắp hết hạn: hãy dùng đến 29/11/2026 nhé!"
    );
}

#[test]
fn replies_stop_a_series_and_failures_move_to_the_next_channel() {
    let t = at(2025, 1, 10, 3, 0);
    let lan = build(
        9,
        vec![
            (t, register("Lan", true)),
            (
                t,
                CustomerCommand::UpdateProfile {
                    patch: customer_care::customer::ProfilePatch {
                        emails: Some(vec!["lan@example.com".parse().unwrap()]),
                        ..Default::default()
                    },
                },
            ),
            (t, grant(Channel::Sms, Purpose::Marketing)),
            (t, grant(Channel::Email, Purpose::Marketing)),
        ],
    );
    let care = policy_with(&[CareKind::WinBack], |s| {
        s.kinds.get_mut(&CareKind::WinBack).unwrap().channels = vec![Channel::Sms, Channel::Email];
    });
    let stage = StageFacts { stage: Stage::Aging, since: at(2026, 11, 9, 2, 0) };
    let subject = CareSubject { stage: Some(stage), ..CareSubject::new(&lan) };
    // Day 14 of aging: the second step, in English (no language set), with its own voucher.
    let plan = care.plan(day("2026-11-23"), [subject.clone()]);
    let action = &plan.actions[0];
    assert_eq!((action.step, action.channel, action.language.as_str()), (1, Channel::Sms, "en"));
    assert_eq!(
        action.message,
        "We miss you, Lan! Come back to Cà phê Sáng with code COMEBACK15 for something special."
    );
    // SMS failed: the next plan uses e-mail.
    let failed = [CareEvent::CareFailed { key: action.key.clone(), channel: Channel::Sms, at: at(2026, 11, 23, 3, 1) }];
    let retry = care.plan(day("2026-11-23"), [CareSubject { history: &failed, ..subject.clone() }]);
    assert_eq!(retry.actions[0].channel, Channel::Email);
    // A reply to the first step stops the series.
    let replied =
        [CareEvent::Replied { key: format!("{}/0", action.key.series()).as_str().into(), at: at(2026, 11, 10, 1, 0) }];
    let stopped = care.plan(day("2026-11-23"), [CareSubject { history: &replied, ..subject.clone() }]);
    assert!(stopped.actions.is_empty());
    assert_eq!(stopped.skipped[0].reason, SkipReason::Replied { at: at(2026, 11, 10, 1, 0) });
    // Opting out on SMS after consenting: e-mail carries it, and the refusal is kept for nobody to guess.
    let opted = [CareEvent::OptedOut { channel: Channel::Sms, at: at(2026, 11, 20, 1, 0) }];
    let plan = care.plan(day("2026-11-23"), [CareSubject { history: &opted, ..subject }]);
    assert_eq!(plan.actions[0].channel, Channel::Email);
}

#[test]
fn window_and_policy_errors_name_their_values() {
    let t = at(2026, 11, 23, 0, 0);
    assert_eq!(
        CareWindow::new(t, t - TimeDelta::hours(1)).unwrap_err().to_string(),
        "invalid care window 2026-11-23 00:00:00 UTC to 2026-11-22 23:00:00 UTC: it must end after it starts and last at most 92 days"
    );
    assert!(CareWindow::new(t, t + TimeDelta::days(93)).is_err());
    let mut spec = CarePolicySpec::example("Shop", Ho_Chi_Minh, "50000 VND".parse().unwrap());
    spec.kinds.insert(CareKind::Survey, KindPolicy::at(time("10:00"), vec![Step::days(0)], vec![]));
    assert_eq!(CarePolicy::new(spec).unwrap_err().to_string(), "invalid survey policy: no channels");
    let json = r#""21:00-21:00""#;
    assert!(serde_json::from_str::<QuietHours>(json).is_err());
}

// ------------------------------------------------------------------------------------------------ properties

/// One generated customer: commands, stage (and days in it), points expiring (in days, amount), sent history
/// (kind index, hours before the window, channel), tickets resolved (hours into the window), days registered
/// before the window.
type GenCustomer =
    (Vec<CustomerCommand>, Option<(Stage, i64)>, Option<(i64, i64)>, Vec<(u8, i64, Channel)>, Vec<i64>, i64);

#[derive(Debug, Clone)]
struct Case {
    customers: Vec<GenCustomer>,
    gap: u32,
    cap: u32,
    cap_days: u32,
    sms_cap: u32,
    window_day: i64,
    customer_quiet: Vec<Option<(u32, u32)>>,
}

fn channel() -> impl Strategy<Value = Channel> {
    prop_oneof![Just(Channel::Sms), Just(Channel::Email), Just(Channel::ChatApp), Just(Channel::Push)]
}

fn customer_commands() -> impl Strategy<Value = Vec<CustomerCommand>> {
    (
        proptest::bool::weighted(0.85),
        proptest::collection::vec((channel(), any::<bool>()), 2..8),
        proptest::option::of((prop_oneof![Just(11u8), Just(12), Just(1)], 1u8..=28)),
        proptest::option::of(0i64..40),
        any::<bool>(),
    )
        .prop_map(|(phone, consents, bday, purchase_days_ago, vi)| {
            let mut out = vec![register("Lan", phone)];
            for (channel, marketing) in consents {
                out.push(grant(channel, if marketing { Purpose::Marketing } else { Purpose::Service }));
            }
            if let Some((m, d)) = bday {
                out.push(CustomerCommand::SetImportantDate {
                    kind: OccasionKind::Birthday,
                    date: AnnualDate::new(m, d, Some(1990)).unwrap(),
                });
            }
            if let Some(days) = purchase_days_ago {
                out.push(CustomerCommand::RecordPurchase(Purchase::new(
                    "HD-1".parse().unwrap(),
                    "120000 VND".parse().unwrap(),
                    at(2026, 11, 23, 3, 0) - TimeDelta::days(days),
                )));
            }
            if vi {
                out.push(language("vi"));
            }
            out
        })
}

fn case() -> impl Strategy<Value = Case> {
    let customer = (
        customer_commands(),
        proptest::option::of((
            prop_oneof![Just(Stage::Potential), Just(Stage::New), Just(Stage::Aging), Just(Stage::Loyal)],
            0i64..60,
        )),
        proptest::option::of((1i64..40, 1i64..500)),
        proptest::collection::vec((0u8..7, 0i64..20 * 24, channel()), 0..6),
        proptest::collection::vec(0i64..72, 0..3),
        0i64..12,
    );
    (
        proptest::collection::vec(customer, 1..8),
        prop_oneof![Just(0u32), Just(60), Just(240)],
        1u32..3,
        1u32..15,
        1u32..3,
        0i64..60,
        proptest::collection::vec(proptest::option::of((0u32..24, 0u32..24)), 8),
    )
        .prop_map(|(customers, gap, cap, cap_days, sms_cap, window_day, customer_quiet)| Case {
            customers,
            gap,
            cap,
            cap_days,
            sms_cap,
            window_day,
            customer_quiet,
        })
}

const KINDS: [CareKind; 7] = [
    CareKind::Survey,
    CareKind::Birthday,
    CareKind::MembershipAnniversary,
    CareKind::PurchaseFollowUp,
    CareKind::Welcome,
    CareKind::WinBack,
    CareKind::PointsExpiring,
];

struct Built {
    customers: Vec<Customer>,
    histories: Vec<Vec<CareEvent>>,
    tickets: Vec<Vec<ResolvedTicket>>,
    facts: Vec<(Option<StageFacts>, Option<PointsFacts>)>,
    policy: CarePolicy,
    window: CareWindow,
}

fn built(case: &Case) -> Built {
    let base = at(2026, 11, 1, 0, 0);
    let mut customers = Vec::new();
    let mut histories = Vec::new();
    let mut tickets = Vec::new();
    let mut facts = Vec::new();
    for (i, (commands, stage, points, history, resolved, registered)) in case.customers.iter().enumerate() {
        let registered_at = base + TimeDelta::days(case.window_day - registered) - TimeDelta::hours(3);
        tickets.push(
            resolved
                .iter()
                .enumerate()
                .map(|(n, hours)| ResolvedTicket {
                    ticket: TicketId::new(&format!("T-{n}")).unwrap(),
                    resolved_at: base + TimeDelta::days(case.window_day) + TimeDelta::hours(*hours),
                })
                .collect(),
        );
        let mut commands: Vec<(DateTime<Utc>, CustomerCommand)> =
            commands.iter().cloned().map(|c| (registered_at, c)).collect();
        if let Some(Some((start, end))) = case.customer_quiet.get(i)
            && let Ok(quiet) = QuietHours::new(
                NaiveTime::from_hms_opt(*start, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(*end, 30, 0).unwrap(),
            )
        {
            commands.push((
                registered_at,
                CustomerCommand::SetPreferences {
                    patch: PreferencesPatch { quiet_hours: Some(Change::Set(quiet)), ..Default::default() },
                },
            ));
        }
        customers.push(build(i as u128 + 1, commands));
        histories.push(
            history
                .iter()
                .map(|(k, hours_ago, channel)| CareEvent::CareSent {
                    key: format!("old/{k}/{hours_ago}").as_str().into(),
                    kind: KINDS[usize::from(*k)],
                    channel: *channel,
                    at: base + TimeDelta::days(case.window_day) - TimeDelta::hours(*hours_ago),
                })
                .collect(),
        );
        facts.push((
            stage.map(|(stage, days)| StageFacts { stage, since: base + TimeDelta::days(case.window_day - days) }),
            points.map(|(days, amount)| PointsFacts {
                available: Points::new(amount),
                expiring: Some(UpcomingExpiry {
                    expires_at: base + TimeDelta::days(case.window_day + days),
                    amount: Points::new(amount),
                }),
                ..PointsFacts::default()
            }),
        ));
    }
    let policy = policy_with(&KINDS, |s| {
        s.min_gap_minutes = case.gap;
        s.caps = vec![
            FrequencyCap { channel: None, max: case.cap, days: case.cap_days },
            FrequencyCap { channel: Some(Channel::Sms), max: case.sms_cap, days: 30 },
        ];
        for p in s.kinds.values_mut() {
            p.channels = vec![Channel::ChatApp, Channel::Sms, Channel::Email, Channel::Push];
        }
    });
    let start = base + TimeDelta::days(case.window_day);
    let window = CareWindow::new(start, start + TimeDelta::days(3)).unwrap();
    Built { customers, histories, tickets, facts, policy, window }
}

fn subjects(b: &Built) -> Vec<CareSubject<'_>> {
    b.customers
        .iter()
        .zip(&b.histories)
        .zip(&b.facts)
        .zip(&b.tickets)
        .map(|(((c, h), (stage, points)), tickets)| CareSubject {
            resolved_tickets: tickets,
            stage: *stage,
            points: points.clone(),
            history: h,
            push_enabled: true,
            ..CareSubject::new(c)
        })
        .collect()
}

proptest! {
    #[test]
    fn plans_keep_caps_gaps_and_quiet_hours(case in case()) {
        let b = built(&case);
        let plan = b.policy.plan(b.window, subjects(&b));
        let spec = b.policy.spec();
        let gap = TimeDelta::minutes(i64::from(spec.min_gap_minutes));
        for (customer, history) in b.customers.iter().zip(&b.histories) {
            let mine: Vec<&CareAction> = plan.actions.iter().filter(|a| a.customer == customer.id()).collect();
            // Quiet hours: the business's and the customer's, in the customer's zone.
            for a in &mine {
                let local = a.due_at.with_timezone(&Ho_Chi_Minh).time();
                for q in spec.quiet_hours.iter().chain(customer.preferences().quiet_hours().iter()) {
                    prop_assert!(!q.contains(local), "{} due at {} local, quiet {}", a.key, local, q);
                }
                prop_assert!(a.due_at >= a.scheduled_at && a.due_at >= b.window.start());
            }
            // Every message, planned or sent, as (instant, channel, marketing).
            let mut all: Vec<(DateTime<Utc>, Channel, bool)> = history.iter().filter_map(|e| match e {
                CareEvent::CareSent { at, channel, kind, .. } => Some((*at, *channel, kind.purpose() == Purpose::Marketing)),
                _ => None,
            }).collect();
            all.extend(mine.iter().map(|a| (a.due_at, a.channel, a.purpose == Purpose::Marketing)));
            // Minimum gap between a planned message and any other (planned ones are last in `all`).
            if !gap.is_zero() {
                let first_planned = all.len() - mine.len();
                for i in first_planned..all.len() {
                    for (j, other) in all.iter().enumerate() {
                        prop_assert!(i == j || (other.0 - all[i].0).abs() >= gap,
                            "{} at {} within {} of a message at {}", mine[i - first_planned].key, all[i].0, gap, other.0);
                    }
                }
            }
            // Caps: every rolling window holding a planned marketing message holds at most `max`.
            for cap in &spec.caps {
                let width = TimeDelta::days(i64::from(cap.days));
                let counted: Vec<DateTime<Utc>> = all.iter()
                    .filter(|(_, c, m)| *m && cap.channel.is_none_or(|x| x == *c))
                    .map(|(t, _, _)| *t).collect();
                for a in mine.iter().filter(|a| a.purpose == Purpose::Marketing && cap.channel.is_none_or(|c| c == a.channel)) {
                    for start in counted.iter().copied().filter(|s| *s <= a.due_at && a.due_at - *s < width) {
                        let inside = counted.iter().filter(|t| **t >= start && **t - start < width).count();
                        prop_assert!(inside as u32 <= cap.max, "{} breaks {:?}: {} in window from {}", a.key, cap, inside, start);
                    }
                }
            }
        }
        for a in &plan.actions {
            prop_assert!(!a.message.contains('{') && !a.message.contains('}'), "{}", a.message);
            prop_assert!(a.sms.segments >= 1);
        }
    }

    #[test]
    fn plans_are_deterministic_and_independent_of_input_order(case in case(), seed in any::<u64>()) {
        let b = built(&case);
        let plan = b.policy.plan(b.window, subjects(&b));
        let mut shuffled = subjects(&b);
        let mut histories: Vec<Vec<CareEvent>> = b.histories.clone();
        let mut rng = crate::common::rng::Rng(seed);
        for h in &mut histories {
            for i in (1..h.len()).rev() {
                h.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
        for (s, h) in shuffled.iter_mut().zip(&histories) {
            s.history = h;
        }
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let again = b.policy.plan(b.window, shuffled);
        prop_assert_eq!(&plan, &again);
        let json = serde_json::to_string(&plan).unwrap();
        prop_assert_eq!(serde_json::from_str::<CarePlan>(&json).unwrap(), plan);
    }
}

#[test]
fn a_plan_is_the_same_whether_customers_are_planned_together_or_apart() {
    let a = regular(20, vec![birthday("1990-11-23")]);
    let c = regular(21, vec![birthday("1991-11-23")]);
    let care = policy_with(&[CareKind::Birthday], |_| {});
    let together = care.plan(day("2026-11-23"), [CareSubject::new(&a), CareSubject::new(&c)]);
    let mut apart = care.plan(day("2026-11-23"), [CareSubject::new(&c)]).actions;
    apart.extend(care.plan(day("2026-11-23"), [CareSubject::new(&a)]).actions);
    apart.sort_by_key(|x| (x.due_at, x.customer));
    assert_eq!(together.actions, apart);
    let by_kind: BTreeMap<CareKind, usize> = together.actions.iter().fold(BTreeMap::new(), |mut m, a| {
        *m.entry(a.kind).or_default() += 1;
        m
    });
    assert_eq!(by_kind[&CareKind::Birthday], 2);
}

// ------------------------------------------------------------------------------------------------ every kind

/// An English-speaking customer with every contact point and consent.
fn everything(n: u128, more: Vec<CustomerCommand>) -> Customer {
    let t = at(2024, 3, 10, 3, 0);
    let mut commands = vec![
        (t, register("Sam", true)),
        (t, language("en")),
        (
            t,
            CustomerCommand::UpdateProfile {
                patch: customer_care::customer::ProfilePatch {
                    emails: Some(vec!["sam@example.com".parse().unwrap()]),
                    ..Default::default()
                },
            },
        ),
    ];
    for channel in [Channel::Sms, Channel::Email] {
        for purpose in [Purpose::Service, Purpose::Marketing] {
            commands.push((t, grant(channel, purpose)));
        }
    }
    commands.extend(more.into_iter().map(|c| (t, c)));
    build(n, commands)
}

fn only(care: &CarePolicy, window: CareWindow, subject: CareSubject<'_>) -> CareAction {
    let plan = care.plan(window, [subject]);
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert_eq!(plan.actions.len(), 1, "{:?}", plan.actions);
    plan.actions.into_iter().next().unwrap()
}

#[test]
fn every_kind_finds_its_anchor_and_fills_its_values() {
    use customer_care::care::StoredValueFacts;
    use customer_care::loyalty::TierName;
    use customer_care::service::experience::PoorExperienceStreak;

    let sam = everything(
        30,
        vec![CustomerCommand::SetImportantDate {
            kind: OccasionKind::WeddingAnniversary,
            date: "2015-06-20".parse().unwrap(),
        }],
    );
    let care = policy_with(&CareKind::ALL, |s| {
        // Welcome is for potential and new customers; Sam has no stage here.
        s.kinds.get_mut(&CareKind::Welcome).unwrap().stages = None;
        s.kinds.get_mut(&CareKind::Survey).unwrap().link = Some("https://cafe.example/s".into());
        s.templates
            .insert(CareKind::Survey, "en", customer_care::care::Template::new("Hi {name}, rate us: {link}").unwrap())
            .unwrap();
    });
    let new = CareSubject::new(&sam);
    // The membership anniversary comes from the registration date (10 March, local), the wedding's from its date.
    let a = only(&care, day("2026-03-10"), new.clone());
    assert_eq!(
        (a.kind, a.message.as_str()),
        (CareKind::MembershipAnniversary, "Sam, thank you for another year with Cà phê Sáng!")
    );
    let a = only(&care, day("2026-06-20"), new.clone());
    assert_eq!(a.message, "Happy anniversary, Sam! Warm wishes from everyone at Cà phê Sáng.");
    assert_eq!(a.key.to_string(), "00000000-0000-0000-0000-00000000001e/wedding_anniversary/2026-06-20/0");

    // Welcome: days 0, 3 and 10 after registration; the first at registration when it came after 10:00.
    let a = only(&care, day("2024-03-13"), new.clone());
    assert_eq!((a.kind, a.step), (CareKind::Welcome, 1));
    let a = only(&care, day("2024-03-10"), new.clone());
    assert_eq!((a.kind, a.step, a.due_at), (CareKind::Welcome, 0, at(2024, 3, 10, 3, 0)));

    // Loyal reward on entering the stage; win-back 45 days into aging with the third voucher.
    let loyal =
        CareSubject { stage: Some(StageFacts { stage: Stage::Loyal, since: at(2026, 8, 1, 5, 0) }), ..new.clone() };
    assert_eq!(
        only(&care, day("2026-08-01"), loyal).message,
        "Sam, thank you for being one of our regulars! A treat from Cà phê Sáng: code THANKYOU."
    );
    let aging =
        CareSubject { stage: Some(StageFacts { stage: Stage::Aging, since: at(2026, 8, 1, 5, 0) }), ..new.clone() };
    assert!(only(&care, day("2026-09-15"), aging).message.contains("COMEBACK20"));

    // Stored value: the bonus reminder 7 days before its last day, the low-balance note the day after activity.
    let wallet = StoredValueFacts {
        available: "42000 VND".parse().unwrap(),
        expiring_bonus: Some(UpcomingExpiry {
            expires_at: at(2026, 9, 30, 17, 0),
            amount: "15000 VND".parse().unwrap(),
        }),
        last_activity_at: Some(at(2026, 9, 1, 4, 0)),
    };
    let with_wallet = CareSubject { stored_value: Some(wallet), ..new.clone() };
    assert_eq!(
        only(&care, day("2026-09-23"), with_wallet.clone()).message,
        "Hi Sam, use your ₫15,000 bonus at Cà phê Sáng by 30 Sep 2026. Balance: ₫42,000."
    );
    assert_eq!(
        only(&care, day("2026-09-02"), with_wallet.clone()).message,
        "Hi Sam, your Cà phê Sáng balance is ₫42,000. Top up in store or in the app."
    );
    // Above the threshold, no low-balance note.
    let rich = CareSubject {
        stored_value: Some(StoredValueFacts {
            available: "60000 VND".parse().unwrap(),
            ..with_wallet.stored_value.unwrap()
        }),
        ..new.clone()
    };
    assert!(care.plan(day("2026-09-02"), [rich]).actions.is_empty());

    // Tiers: the upgrade on its day, the risk 14 days before the review (dated in the customer's zone).
    let tiered = PointsFacts {
        tier: Some(TierName::new("Gold").unwrap()),
        upgraded_at: Some(at(2026, 5, 4, 1, 0)),
        review_at_risk: Some(at(2026, 12, 31, 17, 0)),
        ..PointsFacts::default()
    };
    let with_tier = CareSubject { points: Some(tiered), ..new.clone() };
    assert_eq!(
        only(&care, day("2026-05-04"), with_tier.clone()).message,
        "Congratulations, Sam! You are now Gold at Cà phê Sáng."
    );
    assert_eq!(
        only(&care, day("2026-12-18"), with_tier).message,
        "Hi Sam, keep your Gold status at Cà phê Sáng: the next review is on 1 Jan 2027."
    );

    // Survey with its link; apology for a flagged streak only.
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-77").unwrap(), resolved_at: at(2026, 4, 2, 3, 0) }];
    let a = only(&care, day("2026-04-02"), CareSubject { resolved_tickets: &tickets, ..new.clone() });
    assert_eq!((a.message.as_str(), a.due_at), ("Hi Sam, rate us: https://cafe.example/s", at(2026, 4, 2, 4, 0)));
    let streak = PoorExperienceStreak {
        customer: sam.id(),
        count: 3,
        since: at(2026, 4, 1, 2, 0),
        last_at: at(2026, 4, 3, 2, 0),
        flagged: true,
    };
    let a = only(&care, day("2026-04-03"), CareSubject { poor_experience: Some(streak), ..new.clone() });
    assert_eq!((a.kind, a.due_at), (CareKind::Apology, at(2026, 4, 3, 2, 30)));
    assert!(a.key.as_str().ends_with("/apology/2026-04-01T02:00:00Z/0"));
    let calm = PoorExperienceStreak { flagged: false, ..streak };
    assert!(care.plan(day("2026-04-03"), [CareSubject { poor_experience: Some(calm), ..new }]).actions.is_empty());
}

#[test]
fn next_deadline_is_the_earliest_step_after_the_window() {
    let sam = everything(31, vec![birthday("1990-12-24")]);
    let care = policy_with(&[CareKind::Birthday, CareKind::PointsExpiring], |_| {});
    let points = PointsFacts {
        available: Points::new(10),
        expiring: Some(UpcomingExpiry { expires_at: at(2027, 3, 31, 17, 0), amount: Points::new(10) }),
        ..PointsFacts::default()
    };
    let subject = CareSubject { points: Some(points), ..CareSubject::new(&sam) };
    // The birthday (24 Dec, 09:00 local) comes before the points reminder (1 Mar, 30 days before 31 Mar).
    assert_eq!(care.plan(day("2026-11-23"), [subject.clone()]).next_deadline, Some(at(2026, 12, 24, 2, 0)));
    assert_eq!(care.plan(day("2026-12-24"), [subject.clone()]).next_deadline, Some(at(2027, 3, 1, 3, 0)));
    assert_eq!(care.plan(day("2027-03-24"), [subject.clone()]).next_deadline, Some(at(2027, 12, 24, 2, 0)));
}

#[test]
fn facts_are_read_from_accounts_and_tickets() {
    use customer_care::care::StoredValueFacts;
    use customer_care::loyalty::{
        ExpiryPolicy, LoyaltyProgram, PointsAccount, PointsCommand, ProgramSpec, PurchaseLine,
    };
    use customer_care::service::{Channel as TicketChannel, Priority, Status, Ticket, TicketEvent, TicketEventKind};
    use customer_care::wallet::{
        Bonus, BonusExpiry, BonusTier, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand,
    };
    use customer_care::{AccountId, Currency, Money};

    let vnd = |n| Money::from_minor(n, Currency::VND);
    // Points: 1 per 10,000 VND, expiring at the end of the 12th month.
    let mut spec = ProgramSpec::new(Ho_Chi_Minh, vnd(10_000), 1).redeem(Points::new(1), vnd(100));
    spec.expiry = ExpiryPolicy::RollingMonths { months: 12 };
    let program = LoyaltyProgram::new(spec).unwrap();
    let mut account = PointsAccount::new(AccountId::from_u128(1).unwrap());
    for (n, (day, amount)) in [(5, 300_000), (5, 200_000), (20, 150_000)].into_iter().enumerate() {
        let body = PointsCommand::EarnPoints {
            order: format!("HD-{n}").parse().unwrap(),
            lines: vec![PurchaseLine {
                line: customer_care::ledger::LineId::new(1),
                amount: vnd(amount),
                tags: vec![],
            }],
        };
        let command = Command::new(CommandId::from_u128(n as u128 + 1).unwrap(), at(2026, 1, day, 3, 0), body);
        let commit = account.decide(&program, &command).unwrap().accepted().unwrap();
        account.apply(&commit);
    }
    let facts = PointsFacts::of(&account, &program, at(2026, 11, 23, 0, 0));
    assert_eq!(facts.available, Points::new(65));
    // The two lots of 5 January expire together: the next expiry sums them.
    let expiry = facts.expiring.unwrap();
    assert_eq!(expiry.amount, Points::new(50));
    // Earned 5 January 2026 (10:00 in Ho Chi Minh City), usable through 5 January 2027: gone at its local midnight.
    assert_eq!(expiry.expires_at, at(2027, 1, 5, 17, 0));

    // Stored value: a 1,000,000 top-up with a 10 % bonus usable for 30 days.
    let mut spec = StoredValueSpec::new(Ho_Chi_Minh, Currency::VND);
    spec.bonus_tiers.push(BonusTier {
        min_top_up: vnd(1_000_000),
        bonus: Bonus::Percent { percent: 10.into() },
        restricted_to: vec![],
    });
    spec.bonus_expiry = BonusExpiry::Days { days: 30 };
    let program = StoredValueProgram::new(spec).unwrap();
    let mut wallet = StoredValueAccount::new(AccountId::from_u128(2).unwrap(), Currency::VND);
    let top_up = WalletCommand::TopUp { payment: "PAY-1".parse().unwrap(), amount: vnd(1_000_000) };
    let commit = wallet
        .decide(&program, &Command::new(CommandId::from_u128(1).unwrap(), at(2026, 11, 1, 3, 0), top_up))
        .unwrap()
        .accepted()
        .unwrap();
    wallet.apply(&commit);
    let facts = StoredValueFacts::of(&wallet);
    assert_eq!(facts.available, vnd(1_100_000));
    assert_eq!(facts.expiring_bonus.as_ref().unwrap().amount, vnd(100_000));
    assert_eq!(facts.last_activity_at, Some(at(2026, 11, 1, 3, 0)));

    // Tickets: resolved when last solved; reopened or surveyed, no survey is due.
    let requester = CustomerId::from_u128(9).unwrap();
    let created = TicketEventKind::Created { channel: TicketChannel::Email, requester, priority: Priority::Normal };
    let solved = TicketEventKind::StatusChanged { status: Status::Solved };
    let ticket = |events: Vec<TicketEventKind>| {
        let events = events
            .into_iter()
            .enumerate()
            .map(|(i, k)| TicketEvent::new(at(2026, 11, 2, 1 + i as u32, 0), k))
            .collect();
        Ticket::new(TicketId::new("T-5").unwrap(), events).unwrap()
    };
    let resolved =
        ResolvedTicket::of(&ticket(vec![created.clone(), TicketEventKind::CustomerMessage, solved.clone()])).unwrap();
    assert_eq!(resolved.resolved_at, at(2026, 11, 2, 3, 0));
    assert!(ResolvedTicket::of(&ticket(vec![created.clone(), TicketEventKind::CustomerMessage])).is_none());
    assert!(ResolvedTicket::of(&ticket(vec![created.clone(), solved.clone(), TicketEventKind::Reopened])).is_none());
    assert!(ResolvedTicket::of(&ticket(vec![created, solved, TicketEventKind::SurveySent])).is_none());
}

#[test]
fn each_customer_is_planned_in_their_own_zone() {
    let zone = |tz: chrono_tz::Tz| CustomerCommand::SetPreferences {
        patch: PreferencesPatch { time_zone: Some(Change::Set(tz)), ..Default::default() },
    };
    let saigon = regular(40, vec![birthday("1990-11-23")]);
    let new_york = regular(41, vec![birthday("1990-11-23"), zone(chrono_tz::America::New_York)]);
    let auckland = regular(42, vec![birthday("1990-11-24"), zone(chrono_tz::Pacific::Auckland)]);
    let care = policy_with(&[CareKind::Birthday], |_| {});
    // The Ho Chi Minh City day of 23 November: 17:00 UTC on the 22nd to 17:00 UTC on the 23rd.
    let plan = care
        .plan(day("2026-11-23"), [CareSubject::new(&new_york), CareSubject::new(&auckland), CareSubject::new(&saigon)]);
    let due: Vec<(CustomerId, DateTime<Utc>)> = plan.actions.iter().map(|a| (a.customer, a.due_at)).collect();
    assert_eq!(
        due,
        [
            // 09:00 on the 24th in Auckland (UTC+13) is 20:00 UTC on the 23rd: after the window.
            (saigon.id(), at(2026, 11, 23, 2, 0)),    // 09:00 in Ho Chi Minh City
            (new_york.id(), at(2026, 11, 23, 14, 0)), // 09:00 in New York
        ]
    );
    // 09:00 on the 24th in Auckland (UTC+13) is 20:00 UTC on the 23rd: after the window, and the next deadline.
    assert_eq!(plan.next_deadline, Some(at(2026, 11, 23, 20, 0)));
}

#[test]
fn catch_up_replies_to_other_series_and_crowding() {
    let lan = regular(50, vec![]);
    let tickets = [
        ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: at(2026, 11, 23, 3, 0) },
        ResolvedTicket { ticket: TicketId::new("T-2").unwrap(), resolved_at: at(2026, 11, 22, 23, 0) },
    ];
    let subject = CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&lan) };
    // Window from 11:00 local (04:00 UTC): T-1's survey was due at 11:00 local exactly, T-2's at 07:00.
    let window = CareWindow::new(at(2026, 11, 23, 4, 0), at(2026, 11, 24, 4, 0)).unwrap();
    let care = |catch_up: u32| policy_with(&[CareKind::Survey], move |s| s.catch_up_hours = catch_up);
    let plan = care(0).plan(window, [subject.clone()]);
    let got: Vec<(String, Option<Deferral>)> = plan.actions.iter().map(|a| (a.key.to_string(), a.deferred)).collect();
    assert_eq!(got, [("00000000-0000-0000-0000-000000000032/survey/T-1/0".to_owned(), None)]);
    // With four hours of catch-up, T-2's survey is due at the window's start.
    let plan = care(4).plan(window, [subject.clone()]);
    let got: Vec<(DateTime<Utc>, Option<Deferral>)> = plan.actions.iter().map(|a| (a.due_at, a.deferred)).collect();
    assert_eq!(got, [(at(2026, 11, 23, 4, 0), None), (at(2026, 11, 23, 4, 0), Some(Deferral::CatchUp))]);

    // A reply to another series stops nothing here; a reply to this one does.
    let other = [CareEvent::Replied {
        key: "00000000-0000-0000-0000-000000000032/survey/T-9/0".into(),
        at: at(2026, 11, 23, 1, 0),
    }];
    assert_eq!(care(0).plan(window, [CareSubject { history: &other, ..subject.clone() }]).actions.len(), 1);
    let same = [CareEvent::Replied {
        key: "00000000-0000-0000-0000-000000000032/survey/T-1/0".into(),
        at: at(2026, 11, 23, 5, 0),
    }];
    let plan = care(0).plan(window, [CareSubject { history: &same, ..subject.clone() }]);
    assert!(plan.actions.is_empty());
    assert_eq!(plan.skipped[0].reason, SkipReason::Replied { at: at(2026, 11, 23, 5, 0) });

    // Messages every three hours for the next eight days, a four-hour gap: no room within a week, so crowded.
    let busy: Vec<CareEvent> = (0..64)
        .map(|i| CareEvent::CareSent {
            key: format!("x/survey/old-{i}/0").as_str().into(),
            kind: CareKind::Survey,
            channel: Channel::Sms,
            at: at(2026, 11, 23, 2, 0) + TimeDelta::hours(3 * i),
        })
        .collect();
    let crowded = policy_with(&[CareKind::Survey], |s| s.min_gap_minutes = 240);
    let plan = crowded.plan(window, [CareSubject { history: &busy, ..subject.clone() }]);
    assert!(plan.actions.is_empty());
    assert_eq!(plan.skipped[0].reason, SkipReason::Crowded);
    // With the last ten gone, it fits four hours after the last (04:00 local), out of quiet hours: 08:00 local.
    let plan = crowded.plan(window, [CareSubject { history: &busy[..54], ..subject }]);
    assert_eq!(busy[53].at() + TimeDelta::hours(4), at(2026, 11, 29, 21, 0));
    assert_eq!(plan.actions[0].due_at, at(2026, 11, 30, 1, 0));
    assert_eq!(plan.actions[0].deferred, Some(Deferral::MinGap));
}

#[test]
fn push_reaches_only_customers_the_app_can_reach() {
    let t = at(2025, 1, 10, 3, 0);
    let app_user = build(60, vec![(t, register("Vy", false)), (t, grant(Channel::Push, Purpose::Service))]);
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-3").unwrap(), resolved_at: at(2026, 11, 23, 3, 0) }];
    let care = policy_with(&[CareKind::Survey], |s| {
        s.kinds.get_mut(&CareKind::Survey).unwrap().channels = vec![Channel::Push, Channel::Post];
    });
    let subject = CareSubject { resolved_tickets: &tickets, push_enabled: true, ..CareSubject::new(&app_user) };
    assert_eq!(care.plan(day("2026-11-23"), [subject.clone()]).actions[0].channel, Channel::Push);
    let plan = care.plan(day("2026-11-23"), [CareSubject { push_enabled: false, ..subject }]);
    assert_eq!(
        plan.skipped[0].reason,
        SkipReason::NoChannel {
            refusals: vec![(Channel::Push, Refusal::NoContactPoint), (Channel::Post, Refusal::NoContactPoint)]
        }
    );
}
