//! Round-trips (serde and Display/FromStr) for every value type, and arbitrary text into every parser.

use std::fmt::Debug;
use std::str::FromStr;

use customer_care::customer::{
    AnnualDate, ConsentSource, Customer, CustomerCommand, EmailAddress, Language, OccasionLabel, PersonName,
    PhoneNumber, QuietHours, Region, Tag,
};
use customer_care::{AccountId, CommandId, Currency, CustomerId, HoldId, Money, OrderId, PaymentRef, StoreId};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::strategies::*;

fn serde_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    assert_eq!(&back, value, "{json}");
}

fn text_round_trip<T>(value: &T)
where
    T: FromStr + std::fmt::Display + PartialEq + Debug,
    T::Err: Debug,
{
    let text = value.to_string();
    let back: T = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
    assert_eq!(&back, value, "{text}");
}

fn both<T>(value: &T)
where
    T: FromStr + std::fmt::Display + PartialEq + Debug + Serialize + DeserializeOwned,
    T::Err: Debug,
{
    serde_round_trip(value);
    text_round_trip(value);
}

proptest! {
    #[test]
    fn ids_round_trip(n in 1u128..) {
        both(&CustomerId::from_u128(n).unwrap());
        both(&AccountId::from_u128(n).unwrap());
        both(&CommandId::from_u128(n).unwrap());
        both(&HoldId::from_u128(n).unwrap());
    }

    #[test]
    fn references_round_trip(s in "[A-Za-z0-9][A-Za-z0-9 ._/-]{0,62}[A-Za-z0-9]") {
        both(&OrderId::new(&s).unwrap());
        both(&StoreId::new(&s).unwrap());
        both(&PaymentRef::new(&s).unwrap());
    }

    #[test]
    fn money_round_trips(m in money()) {
        both(&m);
        both(&m.currency());
    }

    #[test]
    fn personal_values_round_trip(name in person_name(), phone in phone(), email in email(), date in annual_date()) {
        both(&name);
        both(&phone);
        both(&email);
        both(&date);
        // Debug never shows the value.
        for debug in [format!("{name:?}"), format!("{phone:?}"), format!("{email:?}"), format!("{date:?}")] {
            prop_assert!(debug.ends_with("(<redacted>)"), "{}", debug);
        }
    }

    #[test]
    fn preference_values_round_trip(lang in language(), quiet in quiet_hours(), tag in tag()) {
        both(&lang);
        both(&quiet);
        both(&tag);
    }

    #[test]
    fn commands_round_trip(profile in profile(), patch in preferences_patch()) {
        serde_round_trip(&CustomerCommand::Register { profile, registered_at: None });
        serde_round_trip(&CustomerCommand::SetPreferences { patch });
    }

    #[test]
    fn parsers_never_panic(s in any::<String>(), region in "[A-Z]{2}") {
        let _ = PersonName::new(&s);
        let _ = EmailAddress::new(&s);
        let _ = PhoneNumber::parse(&s, None);
        let _ = PhoneNumber::parse(&s, region.parse::<Region>().ok());
        let _ = s.parse::<PhoneNumber>();
        let _ = s.parse::<Region>();
        let _ = s.parse::<Money>();
        let _ = s.parse::<Currency>();
        let _ = s.parse::<CustomerId>();
        let _ = OrderId::new(&s);
        let _ = s.parse::<AnnualDate>();
        let _ = s.parse::<Language>();
        let _ = s.parse::<QuietHours>();
        let _ = Tag::new(&s);
        let _ = OccasionLabel::new(&s);
        let _ = ConsentSource::new(&s);
        let _ = serde_json::from_str::<Customer>(&s);
        let _ = serde_json::from_str::<Money>(&s);
    }

    #[test]
    fn phone_like_text_never_panics(s in "[+(]?[0-9 ().+-]{0,24}", region in prop_oneof![Just("VN"), Just("US"), Just("GB"), Just("JP")]) {
        let _ = PhoneNumber::parse(&s, region.parse::<Region>().ok());
    }

    #[test]
    fn money_like_text_never_panics(s in "[+-]?[0-9]{0,40}(\\.[0-9]{0,40})? [A-Z]{3}") {
        if let Ok(m) = s.parse::<Money>() {
            text_round_trip(&m);
        }
    }

    #[test]
    fn json_customers_never_panic(s in "\\{\"id\":\"[0-9a-f-]{36}\".{0,200}\\}") {
        let _ = serde_json::from_str::<Customer>(&s);
    }
}

#[test]
fn labels_and_sources_round_trip() {
    both(&OccasionLabel::new("mother's birthday").unwrap());
    both(&ConsentSource::new("in-store tablet").unwrap());
}
