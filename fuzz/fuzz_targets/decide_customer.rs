//! `Customer::decide` and `apply` on arbitrary command sequences at arbitrary instants: no panic, a rejected
//! command changes nothing, replay (generic and `Customer::replay`) and JSON snapshots equal the live record.

#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::NaiveTime;
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, OccasionLabel, PersonName,
    PhoneNumber, PreferencesPatch, ProfilePatch, Purchase, Purpose, QuietHours, Refund, SalesChannel, Tag,
};
use customer_care::{Command, CustomerId, OrderId, StoreId};
use fuzz_support::{Ids, check_aggregate, currency, instant, money, step, zone};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = ["Nguyễn Thị Lan", "Ana", "  padded  ", "X Æ A-12", "李小龍"];
const PHONES: [(&str, &str); 5] = [
    ("0903 123 456", "VN"),
    ("+1 212 555 0100", "US"),
    ("(02) 9876 5432", "AU"),
    ("+84 28 3823 4567", "VN"),
    ("+44 20 7946 0958", "GB"),
];
const EMAILS: [&str; 3] = ["lan@example.com", "a.b+c@example.co.uk", "x@y.z"];

fn order(u: &mut Unstructured<'_>) -> Result<OrderId> {
    let n: u8 = u.int_in_range(1..=6)?;
    Ok(OrderId::new(&format!("HD-{n}")).expect("valid order id"))
}

fn name(u: &mut Unstructured<'_>) -> Result<Option<PersonName>> {
    Ok(PersonName::new(u.choose(&NAMES)?).ok())
}

fn phones(u: &mut Unstructured<'_>) -> Result<Vec<PhoneNumber>> {
    let n = u.int_in_range(0..=2)?;
    let mut out = Vec::new();
    for _ in 0..n {
        let (number, region) = *u.choose(&PHONES)?;
        if let Ok(p) = PhoneNumber::parse(number, region.parse().ok()) {
            out.push(p);
        }
    }
    Ok(out)
}

fn emails(u: &mut Unstructured<'_>) -> Result<Vec<customer_care::customer::EmailAddress>> {
    let n = u.int_in_range(0..=2)?;
    let mut out = Vec::new();
    for _ in 0..n {
        if let Ok(e) = u.choose(&EMAILS)?.parse() {
            out.push(e);
        }
    }
    Ok(out)
}

fn change<T>(u: &mut Unstructured<'_>, value: Option<T>) -> Result<Option<Change<T>>> {
    Ok(match u.int_in_range(0..=2u8)? {
        0 => None,
        1 => Some(Change::Clear),
        _ => value.map(Change::Set),
    })
}

fn kind(u: &mut Unstructured<'_>) -> Result<OccasionKind> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => OccasionKind::Birthday,
        1 => OccasionKind::WeddingAnniversary,
        2 => OccasionKind::MembershipAnniversary,
        _ => OccasionKind::Custom(OccasionLabel::new("shop opening").expect("valid label")),
    })
}

fn body(u: &mut Unstructured<'_>, at: chrono::DateTime<chrono::Utc>) -> Result<CustomerCommand> {
    let channels = Channel::ALL;
    Ok(match u.int_in_range(0..=10u8)? {
        0 => {
            let mut p = NewProfile::default();
            if u.arbitrary()? {
                p = p.full_name(u.choose(&NAMES)?).unwrap_or_default();
            }
            if u.arbitrary()? {
                let (number, region) = *u.choose(&PHONES)?;
                p = match region.parse() {
                    Ok(region) => p.phone(number, region).unwrap_or_default(),
                    Err(_) => NewProfile::default(),
                };
            }
            if u.arbitrary()? {
                p = p.email(u.choose(&EMAILS)?).unwrap_or_default();
            }
            let registered_at = if u.arbitrary()? { Some(instant(u)?) } else { None };
            CustomerCommand::Register { profile: p.build(), registered_at }
        }
        1 => {
            let full = name(u)?;
            let preferred = name(u)?;
            let patch = ProfilePatch {
                full_name: change(u, full)?,
                preferred_name: change(u, preferred)?,
                phones: if u.arbitrary()? { Some(phones(u)?) } else { None },
                emails: if u.arbitrary()? { Some(emails(u)?) } else { None },
            };
            CustomerCommand::UpdateProfile { patch }
        }
        2 => {
            let month = u.int_in_range(0..=13)?;
            let day = u.int_in_range(0..=32)?;
            let year = if u.arbitrary()? { Some(u.arbitrary()?) } else { None };
            match AnnualDate::new(month, day, year) {
                Ok(date) => CustomerCommand::SetImportantDate { kind: kind(u)?, date },
                Err(_) => CustomerCommand::RemoveImportantDate { kind: kind(u)? },
            }
        }
        3 => CustomerCommand::RemoveImportantDate { kind: kind(u)? },
        4 | 5 => {
            let channel = *u.choose(&channels)?;
            let purpose = *u.choose(&[Purpose::Service, Purpose::Marketing])?;
            let source = if u.arbitrary()? { "kiosk".parse().ok() } else { None };
            if u.ratio(2, 3)? {
                CustomerCommand::GrantConsent { channel, purpose, source }
            } else {
                CustomerCommand::RevokeConsent { channel, purpose, source }
            }
        }
        6 => {
            let t = |u: &mut Unstructured<'_>| -> Result<NaiveTime> {
                Ok(NaiveTime::from_hms_opt(u.int_in_range(0..=23)?, u.int_in_range(0..=59)?, 0).unwrap_or_default())
            };
            let quiet = QuietHours::new(t(u)?, t(u)?).ok();
            let language = ["vi", "en", "vi-VN", "en-US"][usize::from(u.int_in_range(0..=3u8)?)].parse().ok();
            let zone = zone(u)?;
            let patch = PreferencesPatch {
                language: change(u, language)?,
                preferred_channel: {
                    let channel = *u.choose(&channels)?;
                    change(u, Some(channel))?
                },
                time_zone: change(u, Some(zone))?,
                quiet_hours: change(u, quiet)?,
                interests: if u.arbitrary()? {
                    Some(["coffee", "tea"].iter().filter_map(|t| Tag::new(t).ok()).collect())
                } else {
                    None
                },
            };
            CustomerCommand::SetPreferences { patch }
        }
        7 | 8 => {
            let c = currency(u)?;
            let purchased_at = if u.ratio(3, 4)? { at } else { instant(u)? };
            let mut p = Purchase::new(order(u)?, money(u, c)?, purchased_at);
            p.channel = *u.choose(&[SalesChannel::InStore, SalesChannel::Online, SalesChannel::App])?;
            if u.arbitrary()? {
                p.store = StoreId::new("HCM-Q1").ok();
            }
            CustomerCommand::RecordPurchase(p)
        }
        9 => {
            let c = currency(u)?;
            let refunded_at = if u.ratio(3, 4)? { at } else { instant(u)? };
            CustomerCommand::RecordRefund(Refund { order_id: order(u)?, amount: money(u, c)?, refunded_at })
        }
        _ => CustomerCommand::Erase,
    })
}

fuzz_target!(init: fuzz_support::warm_up(), |data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(commands) = (|| -> Result<Vec<Command<CustomerCommand>>> {
        let mut ids = Ids::default();
        let mut at = instant(&mut u)?;
        let mut out = Vec::new();
        while !u.is_empty() && out.len() < 64 {
            at = step(&mut u, at)?;
            let id = ids.next(&mut u)?;
            out.push(Command::new(id, at, body(&mut u, at)?));
        }
        Ok(out)
    })() else {
        return;
    };
    let initial = Customer::new(CustomerId::from_u128(7).expect("non-nil"));
    let live = check_aggregate(&initial, &(), &commands, |_, log| {
        Customer::replay(CustomerId::from_u128(7).expect("non-nil"), log)
    });
    // Queries over the result never panic, at any instant.
    let mut u = Unstructured::new(data);
    if let Ok(as_of) = instant(&mut u) {
        let _ = live.activity_summary(as_of);
    }
});
