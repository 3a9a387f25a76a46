//! proptest strategies for values and command sequences.

use chrono::{NaiveTime, TimeDelta};
use customer_care::customer::{
    AnnualDate, Change, Channel, ConsentSource, CustomerCommand, EmailAddress, Language, OccasionKind, OccasionLabel,
    PersonName, PhoneNumber, PreferencesPatch, Profile, ProfilePatch, Purchase, Purpose, QuietHours, Refund,
    SalesChannel, Tag,
};
use customer_care::{Currency, Money, OrderId, StoreId};
use proptest::prelude::*;
use proptest::sample::Index;

pub fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just(Currency::VND), Just(Currency::USD), Just(Currency::KWD), Just(Currency::JPY)]
}

/// Any money value whose minor units fit an i64.
pub fn money() -> impl Strategy<Value = Money> {
    (any::<i64>(), currency()).prop_map(|(units, c)| Money::from_minor(units, c))
}

/// Mostly positive amounts, sometimes zero or negative, in VND or USD.
pub fn price() -> impl Strategy<Value = Money> {
    prop_oneof![
        8 => (1i64..5_000_000, prop_oneof![Just(Currency::VND), Just(Currency::USD)]).prop_map(|(u, c)| Money::from_minor(u, c)),
        1 => (-1000i64..=0).prop_map(|u| Money::from_minor(u, Currency::VND)),
    ]
}

pub fn person_name() -> impl Strategy<Value = PersonName> {
    prop_oneof![
        Just("Nguyễn Thị Lan"),
        Just("Trần Văn Minh"),
        Just("Lê Hoàng Anh"),
        Just("Phạm Ngọc Ánh"),
        Just("Jane O'Neil"),
        Just("José Ñúñez"),
        Just("李小龍"),
    ]
    .prop_map(|s| PersonName::new(s).unwrap())
}

pub fn phone() -> impl Strategy<Value = PhoneNumber> {
    prop_oneof![
        (prop_oneof![Just("90"), Just("91"), Just("98"), Just("35"), Just("70"), Just("86")], 0u32..10_000_000)
            .prop_map(|(p, n)| PhoneNumber::parse(&format!("+84{p}{n:07}"), None).unwrap()),
        (0u32..10_000).prop_map(|n| PhoneNumber::parse(&format!("+1 415 555 {n:04}"), None).unwrap()),
    ]
}

pub fn email() -> impl Strategy<Value = EmailAddress> {
    ("[a-z]{1,8}", prop_oneof![Just("example.com"), Just("Example.VN"), Just("mail.co.uk")])
        .prop_map(|(l, d)| EmailAddress::new(&format!("{l}@{d}")).unwrap())
}

pub fn annual_date() -> impl Strategy<Value = AnnualDate> {
    (1u8..=12, 1u8..=31, proptest::option::of(1900i32..2030))
        .prop_filter_map("valid date", |(m, d, y)| AnnualDate::new(m, d, y).ok())
}

pub fn occasion_kind() -> impl Strategy<Value = OccasionKind> {
    prop_oneof![
        Just(OccasionKind::Birthday),
        Just(OccasionKind::WeddingAnniversary),
        Just(OccasionKind::MembershipAnniversary),
        Just(OccasionKind::Custom(OccasionLabel::new("mother's birthday").unwrap())),
    ]
}

pub fn channel() -> impl Strategy<Value = Channel> {
    proptest::sample::select(Channel::ALL.to_vec())
}

pub fn purpose() -> impl Strategy<Value = Purpose> {
    proptest::sample::select(Purpose::ALL.to_vec())
}

pub fn language() -> impl Strategy<Value = Language> {
    prop_oneof![Just("vi"), Just("vi-VN"), Just("en"), Just("en-GB"), Just("zh-Hant-TW")]
        .prop_map(|s| s.parse().unwrap())
}

pub fn quiet_hours() -> impl Strategy<Value = QuietHours> {
    (0u32..24, 0u32..60, 0u32..24, 0u32..60).prop_filter_map("distinct ends", |(a, b, c, d)| {
        QuietHours::new(NaiveTime::from_hms_opt(a, b, 0)?, NaiveTime::from_hms_opt(c, d, 0)?).ok()
    })
}

pub fn tag() -> impl Strategy<Value = Tag> {
    "[a-zà-ỹ]{1,12}".prop_map(|s| Tag::new(&s).unwrap())
}

fn change<T: std::fmt::Debug + Clone>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<Change<T>>> {
    proptest::option::of(prop_oneof![3 => s.prop_map(Change::Set), 1 => Just(Change::Clear)])
}

pub fn profile() -> impl Strategy<Value = Profile> {
    (
        proptest::option::of(person_name()),
        proptest::option::of(person_name()),
        proptest::collection::vec(phone(), 0..3),
        proptest::collection::vec(email(), 0..3),
    )
        .prop_map(|(full_name, preferred_name, phones, emails)| Profile {
            full_name,
            preferred_name,
            phones,
            emails,
        })
}

pub fn profile_patch() -> impl Strategy<Value = ProfilePatch> {
    (
        change(person_name()),
        change(person_name()),
        proptest::option::of(proptest::collection::vec(phone(), 0..3)),
        proptest::option::of(proptest::collection::vec(email(), 0..7)),
    )
        .prop_map(|(full_name, preferred_name, phones, emails)| ProfilePatch {
            full_name,
            preferred_name,
            phones,
            emails,
        })
}

pub fn preferences_patch() -> impl Strategy<Value = PreferencesPatch> {
    (
        change(language()),
        change(channel()),
        change(prop_oneof![Just(chrono_tz::Asia::Ho_Chi_Minh), Just(chrono_tz::Europe::London)]),
        change(quiet_hours()),
        proptest::option::of(proptest::collection::btree_set(tag(), 0..4)),
    )
        .prop_map(|(language, preferred_channel, time_zone, quiet_hours, interests)| PreferencesPatch {
            language,
            preferred_channel,
            time_zone,
            quiet_hours,
            interests,
        })
}

/// Order ids from a small pool, so duplicates and refunds of recorded orders happen.
pub fn order_id() -> impl Strategy<Value = OrderId> {
    (0u8..12).prop_map(|n| OrderId::new(&format!("HD-{n:03}")).unwrap())
}

/// A command body with the time offsets it needs (minutes before `issued_at`; negative = in the future).
#[derive(Clone, Debug)]
pub enum Body {
    Ready(CustomerCommand),
    Purchase { order_id: OrderId, amount: Money, minutes_before: i64, channel: SalesChannel, store: Option<StoreId> },
    Refund { order_id: OrderId, amount: Money, minutes_before: i64 },
}

pub fn body() -> impl Strategy<Value = Body> {
    let ready = prop_oneof![
        3 => (profile(), proptest::option::of(Just(()))).prop_map(|(profile, _)| CustomerCommand::Register { profile, registered_at: None }),
        2 => profile_patch().prop_map(|patch| CustomerCommand::UpdateProfile { patch }),
        2 => (occasion_kind(), annual_date()).prop_map(|(kind, date)| CustomerCommand::SetImportantDate { kind, date }),
        1 => occasion_kind().prop_map(|kind| CustomerCommand::RemoveImportantDate { kind }),
        2 => (channel(), purpose()).prop_map(|(channel, purpose)| CustomerCommand::GrantConsent {
            channel,
            purpose,
            source: Some(ConsentSource::new("signup form").unwrap()),
        }),
        1 => (channel(), purpose()).prop_map(|(channel, purpose)| CustomerCommand::RevokeConsent { channel, purpose, source: None }),
        2 => preferences_patch().prop_map(|patch| CustomerCommand::SetPreferences { patch }),
        1 => Just(CustomerCommand::Erase),
    ];
    prop_oneof![
        4 => ready.prop_map(Body::Ready),
        5 => (order_id(), price(), -10i64..2000, any::<bool>()).prop_map(|(order_id, amount, minutes_before, online)| Body::Purchase {
            order_id,
            amount,
            minutes_before,
            channel: if online { SalesChannel::Online } else { SalesChannel::InStore },
            store: (!online).then(|| StoreId::new("HCM-Q1").unwrap()),
        }),
        2 => (order_id(), price(), -10i64..500).prop_map(|(order_id, amount, minutes_before)| Body::Refund { order_id, amount, minutes_before }),
    ]
}

impl Body {
    pub fn build(&self, issued_at: chrono::DateTime<chrono::Utc>) -> CustomerCommand {
        match self {
            Self::Ready(c) => c.clone(),
            Self::Purchase { order_id, amount, minutes_before, channel, store } => {
                CustomerCommand::RecordPurchase(Purchase {
                    order_id: order_id.clone(),
                    amount: *amount,
                    purchased_at: issued_at - TimeDelta::minutes(*minutes_before),
                    channel: *channel,
                    store: store.clone(),
                })
            }
            Self::Refund { order_id, amount, minutes_before } => CustomerCommand::RecordRefund(Refund {
                order_id: order_id.clone(),
                amount: *amount,
                refunded_at: issued_at - TimeDelta::minutes(*minutes_before),
            }),
        }
    }
}

/// One step of a simulated host session.
#[derive(Clone, Debug)]
pub struct Step {
    /// Minutes since the previous step; sometimes negative (a clock that went back).
    pub minutes: i64,
    /// Resubmit an earlier command instead of a new one.
    pub resubmit: Option<(Index, bool)>,
    pub body: Body,
}

pub fn steps(max: usize) -> impl Strategy<Value = Vec<Step>> {
    let step = (
        prop_oneof![9 => 0i64..3000, 1 => -120i64..0],
        proptest::option::weighted(0.15, (any::<Index>(), any::<bool>())),
        body(),
    )
        .prop_map(|(minutes, resubmit, body)| Step { minutes, resubmit, body });
    // Always start with a registration so sequences get past the first command.
    (profile(), proptest::collection::vec(step, 1..max)).prop_map(|(profile, mut steps)| {
        steps.insert(
            0,
            Step {
                minutes: 0,
                resubmit: None,
                body: Body::Ready(CustomerCommand::Register { profile, registered_at: None }),
            },
        );
        steps
    })
}
