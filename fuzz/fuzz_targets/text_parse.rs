//! Every text entry point of the crate on arbitrary text: money ("<amount> <CODE>"), currency codes, phone numbers
//! (every region, both legacy-prefix policies), e-mail addresses, names, languages, quiet hours, tags, labels, ids,
//! dates, clock times, zones, points, lot ids, placeholders, templates (parsed and rendered) and SMS lengths. No
//! panic; whatever parses prints as text that parses back to an equal value.

#![no_main]

use std::collections::BTreeMap;
use std::fmt::{Debug, Display};
use std::str::FromStr;

use customer_care::calendar::{ClockTime, TimeRange, parse_zone};
use customer_care::care::{CareKind, Placeholder, Template, TemplateSet, sms_length};
use customer_care::customer::phone::{LegacyVietnamesePrefix, ParseOptions};
use customer_care::customer::{
    AnnualDate, ConsentSource, EmailAddress, Language, OccasionLabel, PersonName, PhoneNumber, QuietHours, Region, Tag,
};
use customer_care::ledger::{Category, LotId};
use customer_care::loyalty::TierName;
use customer_care::metrics::{Label, Period};
use customer_care::service::{AgentId, TeamId, TicketId};
use customer_care::{AccountId, CommandId, Currency, CustomerId, HoldId, Money, OrderId, PaymentRef, Points, StoreId};
use libfuzzer_sys::fuzz_target;

/// Parses `text`; when it parses, its `Display` parses back to an equal value.
fn round_trip<T>(text: &str) -> Option<T>
where
    T: FromStr + Display + PartialEq + Debug,
{
    let value = text.parse::<T>().ok()?;
    let printed = value.to_string();
    match printed.parse::<T>() {
        Ok(back) => assert_eq!(
            back,
            value,
            "{} printed as {printed:?} parses back to another value",
            std::any::type_name::<T>()
        ),
        Err(_) => panic!("{} printed as {printed:?} does not parse back", std::any::type_name::<T>()),
    }
    Some(value)
}

fn parse_only<T: FromStr>(text: &str) -> Option<T> {
    text.parse::<T>().ok()
}

fuzz_target!(init: fuzz_support::warm_up(), |data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };

    // Money and currencies.
    if let Some(m) = round_trip::<Money>(text) {
        assert_eq!(Money::new(m.amount(), m.currency()), Ok(m), "a parsed amount is a valid amount");
        let _ = m.minor_units();
    }
    round_trip::<Currency>(text);
    let _ = Currency::from_code(text);

    // Phone numbers: E.164 text, and national text in a region chosen by the first byte.
    round_trip::<PhoneNumber>(text);
    let regions = ["VN", "US", "GB", "AU", "CN", "DE", "IN", "IT", "KR", "JP", "FR", "SG", "TH", "ZZ"];
    let region = regions[usize::from(selector) % regions.len()].parse::<Region>().ok();
    for policy in [LegacyVietnamesePrefix::Map, LegacyVietnamesePrefix::Reject] {
        let options = ParseOptions::default().legacy_vietnamese_prefix(policy);
        if let Ok(p) = PhoneNumber::parse_with(text, region, &options) {
            let e164 = p.to_string();
            assert_eq!(e164.parse::<PhoneNumber>().ok().as_ref(), Some(&p), "E.164 {e164:?} parses back");
            let _ = p.kind();
        }
    }
    round_trip::<Region>(text);
    let _ = Region::parse(text);

    // Customer values.
    round_trip::<EmailAddress>(text);
    round_trip::<PersonName>(text);
    round_trip::<Language>(text);
    round_trip::<QuietHours>(text);
    round_trip::<Tag>(text);
    round_trip::<ConsentSource>(text);
    round_trip::<AnnualDate>(text);
    round_trip::<OccasionLabel>(text);

    // Ids and references.
    round_trip::<CustomerId>(text);
    round_trip::<AccountId>(text);
    round_trip::<CommandId>(text);
    round_trip::<HoldId>(text);
    round_trip::<OrderId>(text);
    round_trip::<StoreId>(text);
    round_trip::<PaymentRef>(text);
    round_trip::<TicketId>(text);
    round_trip::<AgentId>(text);
    round_trip::<TeamId>(text);

    // Ledger, loyalty, metrics, calendar.
    round_trip::<Category>(text);
    round_trip::<customer_care::ledger::Tag>(text);
    round_trip::<TierName>(text);
    round_trip::<LotId>(text);
    round_trip::<Points>(text);
    round_trip::<Label>(text);
    round_trip::<Period>(text);
    round_trip::<ClockTime>(text);
    if let Some((start, end)) = text.split_once('-') {
        let _ = TimeRange::parse(start, end);
    }
    let _ = parse_zone(text);

    // Care: kinds, placeholders, templates and their rendering, SMS length.
    parse_only::<CareKind>(text);
    parse_only::<Placeholder>(text);
    if let Some(template) = round_trip::<Template>(text) {
        let values: BTreeMap<Placeholder, String> =
            Placeholder::ALL.into_iter().map(|p| (p, format!("«{p:?}»"))).collect();
        let rendered = template.render(&values).expect("every placeholder has a value");
        let _ = sms_length(&rendered);
        let _ = template.render(&BTreeMap::new());
        let _ = template.placeholders().count();
    }
    let _ = TemplateSet::new(text, text);
    let length = sms_length(text);
    assert!(length.segments >= usize::from(!text.is_empty()), "a non-empty text needs a segment: {length:?}");
});
