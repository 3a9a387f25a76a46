//! `CarePolicy::plan` with arbitrary policy settings, customers, facts, histories and windows, at instants across
//! chrono's whole range and in zones with awkward rules: it always answers a plan, never panics, and the plan keeps
//! its own promises (never due before scheduled, one action per key, no action also skipped, the same plan whatever
//! the order of the subjects).

#![no_main]

use std::collections::BTreeSet;

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use customer_care::care::{
    CareEvent, CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, FrequencyCap, PointsFacts,
    ResolvedTicket, SendAt, StageFacts, Step, StoredValueFacts,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, LeapDayPolicy, NewProfile, OccasionKind, PreferencesPatch,
    Purchase, Purpose, QuietHours,
};
use customer_care::ledger::UpcomingExpiry;
use customer_care::lifecycle::Stage;
use customer_care::service::TicketId;
use customer_care::service::experience::PoorExperienceStreak;
use customer_care::{Command, CommandId, CustomerId, Decision, Money, OrderId, Points};
use fuzz_support::{instant, money, step, zone};
use libfuzzer_sys::fuzz_target;

const STAGES: [Stage; 6] = [Stage::Potential, Stage::New, Stage::Growth, Stage::Loyal, Stage::Aging, Stage::Lost];

fn time(u: &mut Unstructured<'_>) -> Result<NaiveTime> {
    let secs = u.int_in_range(0..=86_399u32)?;
    Ok(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or_default())
}

fn days(u: &mut Unstructured<'_>) -> Result<i32> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => u.arbitrary()?,
        1 => -u.int_in_range(0..=60)?,
        _ => u.int_in_range(0..=60)?,
    })
}

fn policy(u: &mut Unstructured<'_>) -> Result<CarePolicy> {
    let z = zone(u)?;
    let vnd = customer_care::Currency::from_code("VND").expect("ISO 4217");
    let example = CarePolicySpec::example("Cà phê Sáng", z, Money::from_minor(50_000, vnd));
    let mut s = example.clone();
    if u.arbitrary()? {
        s.quiet_hours = QuietHours::new(time(u)?, time(u)?).ok();
    }
    s.min_gap_minutes = if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=600)? };
    if u.arbitrary()? {
        s.caps = vec![FrequencyCap {
            channel: if u.arbitrary()? { Some(*u.choose(&Channel::ALL)?) } else { None },
            max: u.int_in_range(0..=5)?,
            days: if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=30)? },
        }];
    }
    s.catch_up_hours = if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=48)? };
    s.leap_day = *u.choose(&[LeapDayPolicy::February28, LeapDayPolicy::March1])?;
    let keep: BTreeSet<CareKind> = CareKind::ALL.into_iter().filter(|_| u.ratio(3, 4).unwrap_or(true)).collect();
    s.kinds.retain(|k, _| keep.contains(k));
    for kind in s.kinds.values_mut() {
        if u.ratio(1, 3)? {
            kind.send_at = if u.arbitrary()? {
                SendAt::LocalTime { time: time(u)? }
            } else {
                SendAt::AfterAnchor { minutes: if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=600)? } }
            };
        }
        if u.ratio(1, 3)? {
            let n = u.int_in_range(1..=3)?;
            let vouchers = kind.steps.iter().map(|s| s.voucher.clone()).collect::<Vec<_>>();
            kind.steps = (0..n)
                .map(|i| {
                    Ok(Step {
                        days: days(u)?,
                        voucher: vouchers.get(i).cloned().flatten().or_else(|| vouchers.first().cloned().flatten()),
                    })
                })
                .collect::<Result<_>>()?;
        }
        if u.ratio(1, 4)? {
            kind.stages = Some(STAGES.into_iter().filter(|_| u.arbitrary().unwrap_or(true)).collect());
        }
        if u.ratio(1, 4)? {
            kind.channels = Channel::ALL.into_iter().filter(|_| u.arbitrary().unwrap_or(true)).collect();
        }
        kind.priority = u.arbitrary()?;
    }
    Ok(CarePolicy::new(s).or_else(|_| CarePolicy::new(example)).expect("the example policy is valid"))
}

/// A customer built from arbitrary commands at arbitrary instants (rejected ones skipped).
fn customer(u: &mut Unstructured<'_>, n: u128) -> Result<Customer> {
    let mut c = Customer::new(CustomerId::from_u128(42 + n).expect("non-nil"));
    let mut at = instant(u)?;
    let profile = NewProfile::default()
        .preferred_name("Lan")
        .and_then(|p| p.phone("0903 123 456", customer_care::customer::Region::VN))
        .and_then(|p| p.email("lan@example.com"));
    let mut bodies = vec![CustomerCommand::Register {
        profile: profile.map(NewProfile::build).unwrap_or_default(),
        registered_at: if u.arbitrary()? { Some(instant(u)?) } else { None },
    }];
    for channel in Channel::ALL {
        for purpose in [Purpose::Service, Purpose::Marketing] {
            if u.ratio(2, 3)? {
                bodies.push(CustomerCommand::GrantConsent { channel, purpose, source: None });
            }
        }
    }
    let n = u.int_in_range(0..=4)?;
    for _ in 0..n {
        bodies.push(match u.int_in_range(0..=3u8)? {
            0 => match AnnualDate::new(
                u.int_in_range(1..=12)?,
                u.int_in_range(1..=31)?,
                if u.arbitrary()? { Some(u.arbitrary()?) } else { None },
            ) {
                Ok(date) => {
                    let kind = u
                        .choose(&[
                            OccasionKind::Birthday,
                            OccasionKind::WeddingAnniversary,
                            OccasionKind::MembershipAnniversary,
                        ])?
                        .clone();
                    CustomerCommand::SetImportantDate { kind: kind.clone(), date }
                }
                Err(_) => continue,
            },
            1 => CustomerCommand::SetPreferences {
                patch: PreferencesPatch {
                    time_zone: Some(Change::Set(zone(u)?)),
                    quiet_hours: QuietHours::new(time(u)?, time(u)?).ok().map(Change::Set),
                    preferred_channel: Some(Change::Set(*u.choose(&Channel::ALL)?)),
                    language: if u.arbitrary()? { "en".parse().ok().map(Change::Set) } else { None },
                    ..Default::default()
                },
            },
            _ => {
                let vnd = customer_care::Currency::from_code("VND").expect("ISO 4217");
                let order = OrderId::new(&format!("HD-{}", u.int_in_range(1..=9u8)?)).expect("valid order id");
                CustomerCommand::RecordPurchase(Purchase::new(order, money(u, vnd)?, step(u, at)?))
            }
        });
    }
    for (i, body) in bodies.into_iter().enumerate() {
        at = step(u, at)?;
        let id = CommandId::from_u128(i as u128 + 1).expect("non-nil");
        if let Ok(Decision::Accepted(commit)) = c.decide(&Command::new(id, at, body)) {
            c.apply(&commit);
        }
    }
    Ok(c)
}

fn window(u: &mut Unstructured<'_>) -> Result<Option<CareWindow>> {
    let start = instant(u)?;
    Ok(if u.arbitrary()? {
        let end = start.checked_add_signed(TimeDelta::minutes(u.int_in_range(-60..=60 * 24 * 40)?)).unwrap_or(start);
        CareWindow::new(start, end).ok()
    } else {
        let z = zone(u)?;
        CareWindow::local_day(start.date_naive(), z).ok()
    })
}

fn near(u: &mut Unstructured<'_>, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    // Facts mostly near the window, so they matter; sometimes anywhere.
    let back = t.checked_sub_signed(TimeDelta::days(u.int_in_range(0..=10)?)).unwrap_or(t);
    step(u, back)
}

fuzz_target!(init: fuzz_support::warm_up(), |data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((policy, customers, window, facts)) = (|| -> Result<_> {
        let policy = policy(&mut u)?;
        let n = u.int_in_range(1..=3u128)?;
        let customers = (0..n).map(|i| customer(&mut u, i)).collect::<Result<Vec<_>>>()?;
        let Some(window) = window(&mut u)? else { return Err(arbitrary::Error::IncorrectFormat) };
        let mut facts = Vec::new();
        for _ in 0..n {
            let t = window.start();
            let stage = if u.arbitrary()? {
                Some(StageFacts { stage: *u.choose(&STAGES)?, since: near(&mut u, t)? })
            } else {
                None
            };
            let points = if u.arbitrary()? {
                let mut p = PointsFacts { available: Points::new(u.int_in_range(-100..=5000)?), ..Default::default() };
                if u.arbitrary()? {
                    p.expiring = Some(UpcomingExpiry {
                        expires_at: near(&mut u, t)?,
                        amount: Points::new(u.int_in_range(0..=500)?),
                    });
                }
                p.upgraded_at = if u.arbitrary()? { Some(near(&mut u, t)?) } else { None };
                p.review_at_risk = if u.arbitrary()? { Some(near(&mut u, t)?) } else { None };
                Some(p)
            } else {
                None
            };
            let vnd = customer_care::Currency::from_code("VND").expect("ISO 4217");
            let stored = if u.arbitrary()? {
                Some(StoredValueFacts {
                    available: money(&mut u, vnd)?,
                    expiring_bonus: if u.arbitrary()? {
                        Some(UpcomingExpiry { expires_at: near(&mut u, t)?, amount: money(&mut u, vnd)? })
                    } else {
                        None
                    },
                    last_activity_at: if u.arbitrary()? { Some(near(&mut u, t)?) } else { None },
                })
            } else {
                None
            };
            let tickets = (0..u.int_in_range(0..=2)?)
                .map(|i| {
                    Ok(ResolvedTicket {
                        ticket: TicketId::new(&format!("T-{i}")).expect("valid ticket id"),
                        resolved_at: near(&mut u, t)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let poor = if u.arbitrary()? {
                let since = near(&mut u, t)?;
                Some(PoorExperienceStreak {
                    customer: CustomerId::from_u128(42).expect("non-nil"),
                    count: u.int_in_range(0..=5)?,
                    since,
                    last_at: step(&mut u, since)?,
                    flagged: u.arbitrary()?,
                })
            } else {
                None
            };
            let history = (0..u.int_in_range(0..=3)?)
                .map(|_| {
                    let at = near(&mut u, t)?;
                    let channel = *u.choose(&Channel::ALL)?;
                    Ok(match u.int_in_range(0..=3u8)? {
                        0 => CareEvent::CareSent {
                            key: "x/birthday/2026-01-01/0".into(),
                            kind: *u.choose(&CareKind::ALL)?,
                            channel,
                            at,
                        },
                        1 => CareEvent::CareFailed { key: "x/birthday/2026-01-01/0".into(), channel, at },
                        2 => CareEvent::OptedOut { channel, at },
                        _ => CareEvent::Replied { key: "x/birthday/2026-01-01/0".into(), at },
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            facts.push((stage, points, stored, tickets, poor, history, u.arbitrary::<bool>()?));
        }
        Ok((policy, customers, window, facts))
    })() else {
        return;
    };
    let subjects = || {
        customers.iter().zip(&facts).map(|(c, (stage, points, stored, tickets, poor, history, push))| CareSubject {
            stage: *stage,
            points: points.clone(),
            stored_value: stored.clone(),
            resolved_tickets: tickets,
            poor_experience: *poor,
            push_enabled: *push,
            history,
            ..CareSubject::new(c)
        })
    };
    let plan = policy.plan(window, subjects());
    let mut keys = BTreeSet::new();
    for action in &plan.actions {
        assert!(action.scheduled_at <= action.due_at, "due before scheduled: {action:?}");
        assert!(keys.insert(action.key.clone()), "one action per key: {:?}", action.key);
    }
    for skipped in &plan.skipped {
        assert!(!keys.contains(&skipped.key), "planned and skipped: {:?}", skipped.key);
    }
    let reversed: Vec<_> = subjects().collect::<Vec<_>>().into_iter().rev().collect();
    assert_eq!(policy.plan(window, reversed), plan, "the plan does not depend on the order of subjects");
    let json = serde_json::to_string(&plan).expect("a plan serializes");
    let back: customer_care::CarePlan = serde_json::from_str(&json).expect("a plan deserializes");
    assert_eq!(back, plan, "a plan round-trips");
});
