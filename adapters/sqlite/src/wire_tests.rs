//! Snapshots of another format in the file (issue 16): an older one is upcast or ignored (the state rebuilt from
//! the commits), a newer one is a corrupt row; never misread.

use chrono::{TimeZone, Utc};
use customer_care::customer::{Channel, Customer, CustomerCommand, NewProfile, Purpose};
use customer_care::host::{Host, ManualClock};
use customer_care::loyalty::{LoyaltyProgram, Points, PointsAccount, PointsCommand, ProgramSpec};
use customer_care::{AccountId, Aggregate, CommandId, Currency, CustomerId, Money};

use crate::{Database, StoreError};

/// Rewrites the stored snapshot's `"format":2,` as `to` (the JSON is compact: the field is written first).
fn rewrite_format(db: &Database, to: &str) {
    let changed =
        db.connection().execute("UPDATE snapshots SET state = replace(state, '\"format\":2,', ?1)", [to]).unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn an_older_customer_snapshot_is_ignored_and_the_state_rebuilt() {
    let db = Database::in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let mut host = Host::new(db.store::<Customer>("customer"), ManualClock::new(now));
    let id = CustomerId::from_u128(1).unwrap();
    let mut lan = Customer::new(id);
    let profile = NewProfile::default().full_name("Lan").unwrap().build();
    host.submit(
        &mut lan,
        &(),
        CommandId::from_u128(10).unwrap(),
        CustomerCommand::Register { profile, registered_at: None },
    )
    .unwrap();
    let grant = CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Service, source: None };
    host.submit(&mut lan, &(), CommandId::from_u128(11).unwrap(), grant).unwrap();
    let store = host.store();
    store.save_snapshot(&lan).unwrap();
    assert_eq!(store.load_snapshot(lan.stream_id()).unwrap().as_ref(), Some(&lan));

    rewrite_format(&db, "");
    assert_eq!(store.load_snapshot(lan.stream_id()).unwrap(), None, "a format-1 customer snapshot is ignored");
    assert_eq!(store.load_state(Customer::new(id)).unwrap(), lan, "and the state rebuilt from the commits");
}

#[test]
fn an_older_points_snapshot_is_upcast_and_a_newer_one_refused() {
    let db = Database::in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let usd = |cents| Money::from_minor(cents, Currency::USD);
    let program = LoyaltyProgram::new(ProgramSpec::new(customer_care::chrono_tz::UTC, usd(100), 1)).unwrap();
    let mut host = Host::new(db.store::<PointsAccount>("points"), ManualClock::new(now));
    let id = AccountId::from_u128(2).unwrap();
    let mut account = PointsAccount::new(id);
    let adjust =
        PointsCommand::AdjustPoints { points: Points::new(40), reason: "welcome".into(), actor: "staff".into() };
    host.submit(&mut account, &program, CommandId::from_u128(20).unwrap(), adjust).unwrap();
    let store = host.store();
    store.save_snapshot(&account).unwrap();

    rewrite_format(&db, "\"format\":3,");
    let err = store.load_state(PointsAccount::new(id)).unwrap_err();
    assert!(matches!(err, StoreError::Row(_)), "{err}");
    assert!(err.to_string().contains("written in format 3, newer than format 2"), "{err}");

    db.connection().execute("UPDATE snapshots SET state = replace(state, '\"format\":3,', '')", []).unwrap();
    assert_eq!(store.load_snapshot(account.stream_id()).unwrap().as_ref(), Some(&account), "format 1, upcast");
    assert_eq!(store.load_state(PointsAccount::new(id)).unwrap(), account);
}
