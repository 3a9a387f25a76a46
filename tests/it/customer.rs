//! Known-answer tests of customer records.

use chrono::NaiveDate;
use customer_care::customer::{
    AnnualDate, Change, Channel, Customer, CustomerCommand, CustomerError, CustomerStatus, LeapDayPolicy, NewProfile,
    Occasion, OccasionKind, OccasionWindow, PreferencesPatch, ProfilePatch, Purchase, Purpose, Refund,
    duplicate_groups, occasions_between,
};
use customer_care::{Command, CustomerId, Decision, Money, OrderId, StreamError};

use crate::common::{MemoryHost, at, cid};

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

fn order(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

struct Shop {
    host: MemoryHost<Customer>,
    next: u128,
}

impl Shop {
    fn new(id: u128) -> Self {
        Self { host: MemoryHost::new(Customer::new(CustomerId::from_u128(id).unwrap())), next: 1 }
    }

    fn send(
        &mut self,
        issued_at: chrono::DateTime<chrono::Utc>,
        body: CustomerCommand,
    ) -> Result<Decision<CustomerCommand, customer_care::CustomerEvent>, CustomerError> {
        let command = Command::new(cid(self.next), issued_at, body);
        self.next += 1;
        self.host.submit(&(), &command)
    }

    fn ok(&mut self, issued_at: chrono::DateTime<chrono::Utc>, body: CustomerCommand) {
        let decision = self.send(issued_at, body).unwrap();
        assert!(matches!(decision, Decision::Accepted(_)));
    }

    fn state(&self) -> &Customer {
        &self.host.state
    }
}

fn registered(id: u128) -> Shop {
    let mut shop = Shop::new(id);
    let profile = NewProfile::default()
        .full_name("Nguyễn Thị Lan")
        .unwrap()
        .preferred_name("chị Lan")
        .unwrap()
        .phone("0903 123 456", customer_care::customer::Region::VN)
        .unwrap()
        .email("Lan.Nguyen@Example.vn")
        .unwrap()
        .build();
    shop.ok(at(2024, 3, 10, 9, 0), CustomerCommand::Register { profile, registered_at: None });
    shop
}

#[test]
fn commands_before_registration_are_rejected() {
    let mut shop = Shop::new(1);
    let err = shop.send(at(2026, 1, 1, 0, 0), CustomerCommand::Erase).unwrap_err();
    assert_eq!(err, CustomerError::NotRegistered { customer_id: shop.state().id() });
    assert_eq!(shop.state().version(), 0);
}

#[test]
fn registering_twice_is_rejected() {
    let mut shop = registered(1);
    let err =
        shop.send(at(2026, 1, 1, 0, 0), CustomerCommand::Register { profile: Default::default(), registered_at: None });
    assert_eq!(err.unwrap_err().to_string(), format!("customer {} is already registered", shop.state().id()));
}

#[test]
fn purchases_refunds_and_the_activity_summary() {
    let mut shop = registered(1);
    let t0 = at(2026, 11, 1, 10, 0);
    shop.ok(t0, CustomerCommand::RecordPurchase(Purchase::new(order("HD-1"), money("120000 VND"), t0)));
    shop.ok(
        t0,
        CustomerCommand::RecordPurchase(Purchase::new(order("HD-2"), money("45000 VND"), at(2026, 10, 2, 9, 0))),
    );
    shop.ok(t0, CustomerCommand::RecordPurchase(Purchase::new(order("WEB-7"), money("19.99 USD"), t0)));
    // Refund part of HD-1, then all of HD-2.
    shop.ok(
        t0,
        CustomerCommand::RecordRefund(Refund { order_id: order("HD-1"), amount: money("20000 VND"), refunded_at: t0 }),
    );
    shop.ok(
        t0,
        CustomerCommand::RecordRefund(Refund { order_id: order("HD-2"), amount: money("45000 VND"), refunded_at: t0 }),
    );

    let summary = shop.state().activity_summary(at(2026, 11, 23, 10, 0));
    assert_eq!(summary.orders, 3);
    assert_eq!(summary.first_purchase_at, Some(at(2026, 10, 2, 9, 0)));
    assert_eq!(summary.last_purchase_at, Some(t0));
    assert_eq!(summary.since_last_purchase, Some(chrono::TimeDelta::days(22)));
    let usd = &summary.spend[0];
    assert_eq!((usd.currency.code(), usd.orders, usd.net), ("USD", 1, money("19.99 USD")));
    let vnd = &summary.spend[1];
    assert_eq!(vnd.gross, money("165000 VND"));
    assert_eq!(vnd.refunded, money("65000 VND"));
    assert_eq!(vnd.net, money("100000 VND"));
    assert_eq!(vnd.fully_refunded_orders, 1);
    // 100,000 / 2 orders.
    assert_eq!(vnd.average_order_value, money("50000 VND"));
    assert!(shop.state().purchase(&order("HD-2")).unwrap().is_fully_refunded());
}

#[test]
fn purchase_and_refund_rejections_name_the_values() {
    let mut shop = registered(1);
    let t0 = at(2026, 11, 1, 10, 0);
    shop.ok(t0, CustomerCommand::RecordPurchase(Purchase::new(order("HD-1"), money("120000 VND"), t0)));
    let version = shop.state().version();
    let cases: Vec<(CustomerCommand, &str)> = vec![
        (
            CustomerCommand::RecordPurchase(Purchase::new(order("HD-1"), money("1 VND"), t0)),
            "order HD-1 is already recorded",
        ),
        (
            CustomerCommand::RecordPurchase(Purchase::new(order("HD-9"), money("0 VND"), t0)),
            "amount must be positive: 0 VND",
        ),
        (
            CustomerCommand::RecordPurchase(Purchase::new(order("HD-9"), money("1 VND"), at(2026, 11, 1, 10, 1))),
            "order HD-9 purchased at 2026-11-01 10:01:00 UTC is later than the command's issued_at 2026-11-01 10:00:00 UTC",
        ),
        (
            CustomerCommand::RecordRefund(Refund {
                order_id: order("HD-1"),
                amount: money("120001 VND"),
                refunded_at: t0,
            }),
            "refund of 120001 VND exceeds what is refundable on order HD-1: 120000 VND",
        ),
        (
            CustomerCommand::RecordRefund(Refund {
                order_id: order("HD-1"),
                amount: money("1.00 USD"),
                refunded_at: t0,
            }),
            "currency mismatch: USD and VND",
        ),
        (
            CustomerCommand::RecordRefund(Refund {
                order_id: order("HD-404"),
                amount: money("1 VND"),
                refunded_at: t0,
            }),
            "order HD-404 not found",
        ),
        (
            CustomerCommand::RecordRefund(Refund {
                order_id: order("HD-1"),
                amount: money("1 VND"),
                refunded_at: at(2026, 10, 1, 0, 0),
            }),
            "refund of order HD-1 at 2026-10-01 00:00:00 UTC must lie between the purchase at 2026-11-01 10:00:00 UTC and issued_at 2026-11-01 10:00:00 UTC",
        ),
    ];
    for (body, message) in cases {
        assert_eq!(shop.send(t0, body).unwrap_err().to_string(), message);
        assert_eq!(shop.state().version(), version);
    }
}

#[test]
fn backdated_commands_are_rejected() {
    let mut shop = registered(1);
    let err = shop.send(at(2024, 3, 10, 8, 59), CustomerCommand::Erase).unwrap_err();
    assert!(matches!(err, CustomerError::Stream(StreamError::Backdated { .. })), "{err}");
}

#[test]
fn consent_is_opt_in_per_channel_and_purpose() {
    let mut shop = registered(1);
    let t = at(2026, 1, 1, 0, 0);
    assert!(!shop.state().consents().allows(Channel::Sms, Purpose::Service));
    shop.ok(t, CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Service, source: None });
    shop.ok(
        t,
        CustomerCommand::GrantConsent {
            channel: Channel::Email,
            purpose: Purpose::Marketing,
            source: Some("signup form v3".parse().unwrap()),
        },
    );
    shop.ok(
        at(2026, 2, 1, 0, 0),
        CustomerCommand::RevokeConsent {
            channel: Channel::Email,
            purpose: Purpose::Marketing,
            source: Some("unsubscribe link".parse().unwrap()),
        },
    );
    let consents = shop.state().consents();
    assert!(consents.allows(Channel::Sms, Purpose::Service));
    assert!(!consents.allows(Channel::Sms, Purpose::Marketing));
    assert!(!consents.allows(Channel::Email, Purpose::Marketing));
    let record = consents.record(Channel::Email, Purpose::Marketing).unwrap();
    assert_eq!(
        (record.granted, record.decided_at, record.source.as_ref().unwrap().as_str()),
        (false, at(2026, 2, 1, 0, 0), "unsubscribe link")
    );
    assert_eq!(consents.channels_for(Purpose::Service).collect::<Vec<_>>(), [Channel::Sms]);
}

#[test]
fn profile_patches_change_only_named_fields() {
    let mut shop = registered(1);
    let t = at(2026, 1, 1, 0, 0);
    let before = shop.state().profile().clone();
    let patch = ProfilePatch { preferred_name: Some(Change::Clear), ..Default::default() };
    shop.ok(t, CustomerCommand::UpdateProfile { patch });
    let after = shop.state().profile();
    assert_eq!(after.preferred_name, None);
    assert_eq!((&after.full_name, &after.phones, &after.emails), (&before.full_name, &before.phones, &before.emails));
    assert_eq!(after.greeting_name().unwrap().as_str(), "Nguyễn Thị Lan");
    assert_eq!(
        shop.send(t, CustomerCommand::UpdateProfile { patch: ProfilePatch::default() }).unwrap_err(),
        CustomerError::EmptyPatch
    );
    let twice = vec![before.phones[0].clone(), before.phones[0].clone()];
    let err = shop
        .send(t, CustomerCommand::UpdateProfile { patch: ProfilePatch { phones: Some(twice), ..Default::default() } })
        .unwrap_err();
    assert_eq!(err.to_string(), "phone number at position 1 repeats an earlier one");
}

#[test]
fn erasure_leaves_no_personal_data_in_the_serialized_state() {
    let mut shop = registered(1);
    let t = at(2026, 1, 1, 0, 0);
    shop.ok(t, CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: "1990-03-15".parse().unwrap() });
    shop.ok(t, CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Marketing, source: None });
    let patch = PreferencesPatch {
        interests: Some(["cà phê sữa".parse().unwrap()].into()),
        time_zone: Some(Change::Set(chrono_tz::Asia::Ho_Chi_Minh)),
        ..Default::default()
    };
    shop.ok(t, CustomerCommand::SetPreferences { patch });
    shop.ok(t, CustomerCommand::RecordPurchase(Purchase::new(order("HD-1"), money("120000 VND"), t)));
    let before = serde_json::to_string(shop.state()).unwrap();
    let personal =
        ["Nguyễn", "chị Lan", "84903123456", "Lan.Nguyen", "example.vn", "1990-03-15", "cà phê", "Ho_Chi_Minh"];
    for p in personal {
        assert!(before.contains(p), "fixture should contain {p}");
    }

    shop.ok(at(2026, 2, 1, 0, 0), CustomerCommand::Erase);
    let after = serde_json::to_string(shop.state()).unwrap();
    for p in personal {
        assert!(!after.contains(p), "erased state still contains {p}: {after}");
    }
    assert_eq!(shop.state().status(), CustomerStatus::Erased { erased_at: at(2026, 2, 1, 0, 0) });
    // Money history stays, so ledgers keep balancing.
    assert!(after.contains("HD-1") && after.contains("120000"));
    assert!(shop.state().match_keys().is_empty());
    // Personal commands are rejected; refunds still go through.
    let t2 = at(2026, 2, 2, 0, 0);
    let err = shop
        .send(t2, CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: "--01-01".parse().unwrap() })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "customer {} was erased at 2026-02-01 00:00:00 UTC; personal data can no longer be recorded",
            shop.state().id()
        )
    );
    shop.ok(
        t2,
        CustomerCommand::RecordRefund(Refund { order_id: order("HD-1"), amount: money("120000 VND"), refunded_at: t2 }),
    );
    // The erased state replays identically, and a snapshot of it is a complete substitute for the earlier log.
    assert_eq!(&Customer::replay(shop.state().id(), &shop.host.log).unwrap(), shop.state());
}

fn with_dates(id: u128, dates: &[(OccasionKind, &str)]) -> Customer {
    let mut shop = registered(id);
    for (kind, date) in dates {
        shop.ok(
            at(2026, 1, 1, 0, 0),
            CustomerCommand::SetImportantDate { kind: kind.clone(), date: date.parse().unwrap() },
        );
    }
    shop.host.state
}

#[test]
fn leap_day_birthdays_in_leap_and_common_years() {
    let leapling = with_dates(1, &[(OccasionKind::Birthday, "2000-02-29")]);
    let zone = chrono_tz::Asia::Ho_Chi_Minh;
    let feb_mar = |year| OccasionWindow::new(d(year, 2, 27), d(year, 3, 2), zone).unwrap();
    let birthday = |c: &Customer, w: &OccasionWindow, p| -> Vec<(NaiveDate, Option<u32>)> {
        c.occasions(w, p).into_iter().filter(|o| o.kind == OccasionKind::Birthday).map(|o| (o.date, o.years)).collect()
    };
    assert_eq!(birthday(&leapling, &feb_mar(2027), LeapDayPolicy::February28), [(d(2027, 2, 28), Some(27))]);
    assert_eq!(birthday(&leapling, &feb_mar(2027), LeapDayPolicy::March1), [(d(2027, 3, 1), Some(27))]);
    assert_eq!(birthday(&leapling, &feb_mar(2028), LeapDayPolicy::February28), [(d(2028, 2, 29), Some(28))]);
    assert_eq!(birthday(&leapling, &feb_mar(2028), LeapDayPolicy::March1), [(d(2028, 2, 29), Some(28))]);
    // 2100 is not a leap year.
    assert_eq!(birthday(&leapling, &feb_mar(2100), LeapDayPolicy::March1), [(d(2100, 3, 1), Some(100))]);
    // A 28 February birthday is never moved.
    let feb28 = with_dates(2, &[(OccasionKind::Birthday, "--02-28")]);
    assert_eq!(birthday(&feb28, &feb_mar(2028), LeapDayPolicy::March1), [(d(2028, 2, 28), None)]);
}

#[test]
fn occasions_across_the_year_end_in_date_order() {
    let a = with_dates(1, &[(OccasionKind::Birthday, "--01-01"), (OccasionKind::WeddingAnniversary, "2015-12-31")]);
    let b = with_dates(2, &[(OccasionKind::Birthday, "1988-12-30")]);
    let c = with_dates(3, &[(OccasionKind::Birthday, "--06-15")]);
    let window = OccasionWindow::new(d(2026, 12, 29), d(2027, 1, 2), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
    let found = occasions_between([&c, &a, &b], &window, LeapDayPolicy::February28);
    let id = |n| CustomerId::from_u128(n).unwrap();
    assert_eq!(
        found,
        [
            Occasion { date: d(2026, 12, 30), customer_id: id(2), kind: OccasionKind::Birthday, years: Some(38) },
            Occasion {
                date: d(2026, 12, 31),
                customer_id: id(1),
                kind: OccasionKind::WeddingAnniversary,
                years: Some(11)
            },
            Occasion { date: d(2027, 1, 1), customer_id: id(1), kind: OccasionKind::Birthday, years: None },
        ]
    );
}

#[test]
fn membership_anniversary_is_derived_from_registration_in_the_local_zone() {
    // Registered 2024-03-10 09:00 UTC = 16:00 in Ho Chi Minh City, 2024-03-10 local.
    let customer = registered(1).host.state;
    let window = OccasionWindow::new(d(2026, 3, 1), d(2026, 3, 31), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
    let found = customer.occasions(&window, LeapDayPolicy::February28);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].date, &found[0].kind, found[0].years),
        (d(2026, 3, 10), &OccasionKind::MembershipAnniversary, Some(2))
    );
    // In Honolulu (UTC−10) the same instant is still 9 March.
    let window = OccasionWindow::new(d(2026, 3, 1), d(2026, 3, 31), chrono_tz::Pacific::Honolulu).unwrap();
    assert_eq!(customer.occasions(&window, LeapDayPolicy::February28)[0].date, d(2026, 3, 9));
}

#[test]
fn removing_an_unknown_occasion_is_rejected() {
    let mut shop = registered(1);
    let err = shop
        .send(at(2026, 1, 1, 0, 0), CustomerCommand::RemoveImportantDate { kind: OccasionKind::WeddingAnniversary })
        .unwrap_err();
    assert_eq!(err, CustomerError::OccasionNotFound { kind: OccasionKind::WeddingAnniversary });
    assert_eq!(AnnualDate::new(2, 30, None).unwrap_err().to_string(), "invalid date: --02-30 does not exist");
}

#[test]
fn duplicates_are_found_by_normalised_contact_points() {
    let a = registered(1).host.state;
    let mut b = Shop::new(2);
    let profile = NewProfile::default()
        .phone("+84 90 312 3456", customer_care::customer::Region::US)
        .unwrap()
        .email("lan.nguyen@example.VN")
        .unwrap()
        .build();
    b.ok(at(2026, 1, 1, 0, 0), CustomerCommand::Register { profile, registered_at: None });
    let c = Shop::new(3).host.state;
    let groups = duplicate_groups([&a, &b.host.state, &c]);
    assert_eq!(groups.len(), 2, "{groups:?}");
    for g in &groups {
        assert_eq!(g.customers.iter().map(|c| c.as_uuid().as_u128()).collect::<Vec<_>>(), [1, 2]);
    }
}

#[test]
fn batch_of_commands_is_all_or_nothing() {
    let shop = registered(1);
    let t = at(2026, 5, 1, 0, 0);
    let ok =
        Command::new(cid(90), t, CustomerCommand::RecordPurchase(Purchase::new(order("B-1"), money("1000 VND"), t)));
    let bad =
        Command::new(cid(91), t, CustomerCommand::RecordPurchase(Purchase::new(order("B-1"), money("2000 VND"), t)));
    let err = customer_care::stream::decide_batch(shop.state(), &(), &[ok.clone(), bad]).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.error, CustomerError::OrderAlreadyRecorded { order_id: order("B-1") });
    let decisions = customer_care::stream::decide_batch(shop.state(), &(), &[ok]).unwrap();
    assert_eq!(decisions.len(), 1);
}
