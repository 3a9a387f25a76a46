//! The conformance kit, kinds, snapshots.

use customer_care::customer::Purchase;
use customer_care::host::conformance::check_store;
use customer_care::host::{CommitStore, Host};
use customer_care::{Customer, CustomerCommand, CustomerId};

use super::{Harness, id};
use crate::{Engine, Store};

fn codec(c: &Customer) -> Result<Customer, String> {
    serde_json::to_string(c).and_then(|json| serde_json::from_str(&json)).map_err(|e| e.to_string())
}

fn register() -> CustomerCommand {
    CustomerCommand::Register { profile: Default::default(), registered_at: None }
}

/// The host's conformance kit, unchanged: on plain stores, and on stores keeping deadlines with a snapshot every
/// 2 commits and a one-entry cache (every append rebuilds its stream).
///
/// # Panics
///
/// When a check fails.
pub fn the_store_passes_the_kit<H: Harness>(h: &H) {
    let passed = check_store(|| Store::<Customer, _>::new(h.open(), "customer"), codec).unwrap();
    assert_eq!(passed.len(), 6);
    let tracked = || {
        Store::<Customer, _>::new(h.open(), "customer")
            .with_deadlines(|id| CustomerId::new(id).ok().map(Customer::new), |_| None)
            .snapshot_every(2)
            .cache_limit(1)
    };
    assert_eq!(check_store(tracked, codec).unwrap().len(), 6);
}

/// Two kinds in one database never see each other's streams.
///
/// # Panics
///
/// When they do.
pub fn kinds_keep_streams_apart<H: Harness>(h: &H) {
    let db = h.open();
    let mut a = Store::<Customer, _>::new(db.clone(), "customer");
    let b = Store::<Customer, _>::new(db, "customer-archive");
    let customer = CustomerId::from_u128(5).unwrap();
    let mut host = Host::new(&mut a, || chrono::DateTime::UNIX_EPOCH);
    host.submit(&mut Customer::new(customer), &(), id(1), register()).unwrap();
    assert_eq!(a.load(customer.as_uuid(), 0).unwrap().len(), 1);
    assert!(b.load(customer.as_uuid(), 0).unwrap().is_empty());
    assert_eq!((a.version(customer.as_uuid()).unwrap(), b.version(customer.as_uuid()).unwrap()), (1, 0));
}

/// A snapshot plus the commits after it equals the stream; an older snapshot never replaces a newer one.
///
/// # Panics
///
/// When it does not.
pub fn snapshots_plus_the_tail_equal_the_stream<H: Harness>(h: &H) {
    let db = h.open();
    let customer = CustomerId::from_u128(9).unwrap();
    let mut host = Host::new(Store::<Customer, _>::new(db.clone(), "customer"), || chrono::DateTime::UNIX_EPOCH);
    let mut live = Customer::new(customer);
    host.submit(&mut live, &(), id(1), register()).unwrap();
    for n in 1..=5u32 {
        let at = chrono::DateTime::UNIX_EPOCH;
        let purchase = Purchase::new(format!("O-{n}").parse().unwrap(), "5 USD".parse().unwrap(), at);
        host.submit(&mut live, &(), id(10 + u128::from(n)), CustomerCommand::RecordPurchase(purchase)).unwrap();
        if n == 3 {
            host.store().save_snapshot(&live).unwrap();
        }
    }
    let store = host.store();
    assert_eq!(store.load_snapshot(customer.as_uuid()).unwrap().unwrap().version(), 4);
    store.save_snapshot(&Customer::new(customer)).unwrap();
    assert_eq!(store.load_snapshot(customer.as_uuid()).unwrap().unwrap().version(), 4);
    assert_eq!(store.load_state(Customer::new(customer)).unwrap(), live);
    assert_eq!(db.count("snapshots").unwrap(), 1);
}
