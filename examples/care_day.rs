//! A café's morning: ten customers in different stages, the care due today — rendered in Vietnamese or English,
//! each on its channel with its SMS length — and the care skipped, each with its reason.
//!
//! Run with `cargo run --example care_day`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use customer_care::care::{
    CareEvent, CareKind, CarePlan, CarePolicy, CarePolicySpec, CareSubject, CareWindow, PointsFacts, Refusal,
    ResolvedTicket, SkipReason, StageFacts, StoredValueFacts,
};
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, PreferencesPatch, Purchase,
    Purpose, QuietHours, Region,
};
use customer_care::ledger::UpcomingExpiry;
use customer_care::lifecycle::Stage;
use customer_care::loyalty::TierName;
use customer_care::service::TicketId;
use customer_care::{Command, CommandId, Currency, CustomerId, Decision, Money, Points};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// 07:00 on Monday 23 November 2026 in Ho Chi Minh City: the host's clock, passed in.
fn now() -> Result<DateTime<Utc>> {
    Ok(Ho_Chi_Minh.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).single().ok_or("no such time")?.with_timezone(&Utc))
}

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

/// A customer registered `days` ago with a name, phone, language and consents, then `more`.
fn customer(
    n: u128,
    name: &str,
    language: &str,
    consents: &[(Channel, Purpose)],
    days: i64,
    more: Vec<CustomerCommand>,
) -> Result<Customer> {
    let mut commands = vec![
        CustomerCommand::Register {
            profile: NewProfile::default()
                .preferred_name(name)?
                .phone(&format!("0903 000 {n:03}"), Region::VN)?
                .build(),
            registered_at: Some(now()? - TimeDelta::days(days)),
        },
        CustomerCommand::SetPreferences {
            patch: PreferencesPatch { language: Some(Change::Set(language.parse()?)), ..Default::default() },
        },
    ];
    commands.extend(consents.iter().map(|&(channel, purpose)| CustomerCommand::GrantConsent {
        channel,
        purpose,
        source: None,
    }));
    commands.extend(more);
    let mut c = Customer::new(CustomerId::from_u128(n)?);
    for (i, body) in commands.into_iter().enumerate() {
        // Ids come from the host; the commands are issued a minute apart, last night.
        let issued_at = now()? - TimeDelta::hours(9) + TimeDelta::minutes(i as i64);
        match c.decide(&Command::new(CommandId::from_u128(i as u128 + 1)?, issued_at, body))? {
            Decision::Accepted(commit) => c.apply(&commit),
            Decision::Duplicate { .. } => {}
        }
    }
    Ok(c)
}

fn birthday_today() -> Result<CustomerCommand> {
    Ok(CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: "1991-11-23".parse::<AnnualDate>()? })
}

const ALL: &[(Channel, Purpose)] = &[
    (Channel::Sms, Purpose::Service),
    (Channel::Sms, Purpose::Marketing),
    (Channel::ChatApp, Purpose::Service),
    (Channel::ChatApp, Purpose::Marketing),
];

fn main() -> Result<()> {
    let now = now()?;
    let mut spec = CarePolicySpec::example("Cà phê Sáng", Ho_Chi_Minh, vnd(50_000));
    // Tickets resolved late last night still get their survey this morning.
    spec.catch_up_hours = 12;
    let policy = CarePolicy::new(spec)?;
    // Today: from now until 07:00 tomorrow.
    let window = CareWindow::new(now, now + TimeDelta::days(1))?;

    let lan = customer(1, "chị Lan", "vi", ALL, 900, vec![birthday_today()?])?;
    let minh = customer(
        2,
        "anh Minh",
        "vi",
        ALL,
        5,
        vec![CustomerCommand::RecordPurchase(Purchase::new(
            "HD-2041".parse()?,
            vnd(85_000),
            now - TimeDelta::days(3) - TimeDelta::hours(2),
        ))],
    )?;
    let emma = customer(3, "Emma", "en", ALL, 3, vec![])?;
    let hung = customer(4, "bác Hùng", "vi", ALL, 700, vec![])?;
    let mai = customer(5, "chị Mai", "vi", ALL, 500, vec![])?;
    let john = customer(6, "John", "en", &[(Channel::Sms, Purpose::Service)], 300, vec![])?;
    let hanh = customer(7, "cô Hạnh", "vi", &[(Channel::Sms, Purpose::Service)], 800, vec![birthday_today()?])?;
    let gone = customer(8, "Quân", "vi", ALL, 600, vec![CustomerCommand::Erase])?;
    let tuan = customer(9, "Tuấn", "vi", ALL, 200, vec![birthday_today()?])?;
    let linh = customer(
        10,
        "Linh",
        "vi",
        ALL,
        100,
        vec![CustomerCommand::SetPreferences {
            patch: PreferencesPatch {
                preferred_channel: Some(Change::Set(Channel::Sms)),
                quiet_hours: Some(Change::Set("06:00-11:00".parse::<QuietHours>()?)),
                ..Default::default()
            },
        }],
    )?;

    // Facts from the other domains, as the host reads them from its accounts, classifier and help desk.
    let stage = |stage, days: i64| Some(StageFacts { stage, since: now - TimeDelta::days(days) });
    let points = |points: i64, expiring: i64, days: i64| PointsFacts {
        available: Points::new(points),
        expiring: Some(UpcomingExpiry { expires_at: now + TimeDelta::days(days), amount: Points::new(expiring) }),
        ..PointsFacts::default()
    };
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-318")?, resolved_at: now - TimeDelta::hours(10) }];
    // Tuấn heard from us twice this week already.
    let tuan_history = [
        sent(&tuan, "tier_upgraded", CareKind::TierUpgraded, now - TimeDelta::days(5))?,
        sent(&tuan, "win_back", CareKind::WinBack, now - TimeDelta::days(4))?,
        sent(&tuan, "welcome", CareKind::Welcome, now - TimeDelta::days(2))?,
    ];
    let subjects = vec![
        CareSubject {
            stage: stage(Stage::Loyal, 182),
            points: Some(PointsFacts {
                tier: Some(TierName::new("Gold")?),
                upgraded_at: Some(now - TimeDelta::hours(2)), // the nightly tier review
                ..points(2_450, 0, 200)
            }),
            ..CareSubject::new(&lan)
        },
        CareSubject { stage: stage(Stage::New, 3), ..CareSubject::new(&minh) },
        CareSubject { stage: stage(Stage::Potential, 10), ..CareSubject::new(&emma) },
        CareSubject { stage: stage(Stage::Aging, 14), ..CareSubject::new(&hung) },
        CareSubject { stage: stage(Stage::Growth, 60), points: Some(points(1_250, 320, 7)), ..CareSubject::new(&mai) },
        CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&john) },
        CareSubject { stage: stage(Stage::Loyal, 30), ..CareSubject::new(&hanh) },
        CareSubject { points: Some(points(500, 500, 7)), ..CareSubject::new(&gone) },
        CareSubject { stage: stage(Stage::Growth, 40), history: &tuan_history, ..CareSubject::new(&tuan) },
        CareSubject {
            stage: stage(Stage::Growth, 20),
            stored_value: Some(StoredValueFacts {
                available: vnd(35_000),
                expiring_bonus: Some(UpcomingExpiry { expires_at: now + TimeDelta::days(7), amount: vnd(20_000) }),
                last_activity_at: Some(now - TimeDelta::hours(20)),
            }),
            ..CareSubject::new(&linh)
        },
    ];
    let names: Vec<(CustomerId, String)> = subjects
        .iter()
        .map(|s| {
            (
                s.customer.id(),
                s.customer.profile().greeting_name().map_or_else(|| "(erased)".to_owned(), |n| n.to_string()),
            )
        })
        .collect();
    let plan = policy.plan(window, subjects.clone());
    print_plan(&plan, &names);

    // Planning again gives the same actions and keys; once the host records them as sent, nothing is left.
    assert_eq!(policy.plan(window, subjects.clone()), plan);
    let history: Vec<Vec<CareEvent>> = subjects
        .iter()
        .map(|s| {
            plan.actions
                .iter()
                .filter(|a| a.customer == s.customer.id())
                .map(|a| CareEvent::CareSent { key: a.key.clone(), kind: a.kind, channel: a.channel, at: a.due_at })
                .chain(s.history.iter().cloned())
                .collect()
        })
        .collect();
    let after: Vec<CareSubject<'_>> =
        subjects.iter().zip(&history).map(|(s, h)| CareSubject { history: h, ..s.clone() }).collect();
    let replanned = policy.plan(window, after);
    assert!(replanned.actions.is_empty());
    println!("\nAfter recording the {} sends, a new plan has no actions left.", plan.actions.len());
    Ok(())
}

fn sent(c: &Customer, kind_name: &str, kind: CareKind, at: DateTime<Utc>) -> Result<CareEvent> {
    Ok(CareEvent::CareSent {
        key: format!("{}/{kind_name}/earlier/0", c.id()).as_str().into(),
        kind,
        channel: Channel::Sms,
        at,
    })
}

fn print_plan(plan: &CarePlan, names: &[(CustomerId, String)]) {
    let name = |id: CustomerId| names.iter().find(|(i, _)| *i == id).map_or("?", |(_, n)| n.as_str());
    let local = |t: DateTime<Utc>| t.with_timezone(&Ho_Chi_Minh).format("%d/%m %H:%M").to_string();
    println!("Care plan for Monday 23/11/2026 — {} actions, {} skipped\n", plan.actions.len(), plan.skipped.len());
    for a in &plan.actions {
        let moved = a.deferred.map_or(String::new(), |d| format!(" (scheduled {}, {d:?})", local(a.scheduled_at)));
        println!(
            "{} {:<9} {:<18} {:<8} {:?}/{} segment(s){moved}",
            local(a.due_at),
            name(a.customer),
            a.kind.as_str(),
            a.channel.to_string(),
            a.sms.encoding,
            a.sms.segments
        );
        println!("      “{}”", a.message);
    }
    println!("\nSkipped:");
    for s in &plan.skipped {
        println!("  {:<9} {:<18} {}", name(s.customer), s.kind.as_str(), reason(&s.reason));
    }
    if let Some(next) = plan.next_deadline {
        println!("\nPlan again by {} at the latest.", local(next));
    }
}

fn reason(r: &SkipReason) -> String {
    match r {
        SkipReason::Erased => "personal data erased: nothing is ever sent".into(),
        SkipReason::Capped { max, days } => format!("marketing cap reached: at most {max} in {days} days"),
        SkipReason::NoChannel { refusals } => {
            let why: Vec<String> = refusals
                .iter()
                .map(|(c, r)| {
                    let r = match r {
                        Refusal::NoConsent => "no consent".to_owned(),
                        Refusal::NoContactPoint => "no contact point".to_owned(),
                        other => format!("{other:?}"),
                    };
                    format!("{c}: {r}")
                })
                .collect();
            format!("no channel ({})", why.join(", "))
        }
        other => format!("{other:?}"),
    }
}
