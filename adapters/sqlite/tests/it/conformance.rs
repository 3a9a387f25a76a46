//! The host's conformance kit, unchanged, on fresh databases: plain, with deadlines and snapshots, on a file.

use customer_care::host::conformance::check_store;
use customer_care::{Customer, CustomerId};
use customer_care_sqlite::Database;

fn codec(c: &Customer) -> Result<Customer, String> {
    serde_json::to_string(c).and_then(|json| serde_json::from_str(&json)).map_err(|e| e.to_string())
}

#[test]
fn an_in_memory_store_passes_the_kit() {
    let passed = check_store(|| Database::in_memory().unwrap().store::<Customer>("customer"), codec).unwrap();
    assert_eq!(passed.len(), 6);
}

#[test]
fn a_store_keeping_deadlines_and_snapshots_passes_the_kit() {
    let new = || {
        Database::in_memory()
            .unwrap()
            .store::<Customer>("customer")
            .with_deadlines(|id| CustomerId::new(id).ok().map(Customer::new), |_| None)
            .snapshot_every(2)
            .cache_limit(1)
    };
    assert_eq!(check_store(new, codec).unwrap().len(), 6);
}

#[test]
fn a_file_store_passes_the_kit() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    let new = || {
        n += 1;
        Database::open(dir.path().join(format!("kit-{n}.db"))).unwrap().store::<Customer>("customer")
    };
    assert_eq!(check_store(new, codec).unwrap().len(), 6);
}

#[test]
fn kinds_keep_streams_apart_in_one_file() {
    use customer_care::host::CommitStore;
    let db = Database::in_memory().unwrap();
    let mut a = db.store::<Customer>("customer");
    let b = db.store::<Customer>("customer-archive");
    let id = CustomerId::from_u128(5).unwrap();
    let mut host = customer_care::host::Host::new(&mut a, || chrono::DateTime::UNIX_EPOCH);
    let register = customer_care::CustomerCommand::Register { profile: Default::default(), registered_at: None };
    host.submit(&mut Customer::new(id), &(), customer_care::CommandId::from_u128(1).unwrap(), register).unwrap();
    assert_eq!(a.load(id.as_uuid(), 0).unwrap().len(), 1);
    assert!(b.load(id.as_uuid(), 0).unwrap().is_empty());
    assert_eq!((a.version(id.as_uuid()).unwrap(), b.version(id.as_uuid()).unwrap()), (1, 0));
}

#[test]
fn snapshots_plus_the_tail_equal_the_stream() {
    use customer_care::host::Host;
    use customer_care::{CommandId, CustomerCommand, customer::Purchase};
    let db = Database::in_memory().unwrap();
    let id = CustomerId::from_u128(9).unwrap();
    let mut host = Host::new(db.store::<Customer>("customer"), || chrono::DateTime::UNIX_EPOCH);
    let mut live = Customer::new(id);
    let register = CustomerCommand::Register { profile: Default::default(), registered_at: None };
    host.submit(&mut live, &(), CommandId::from_u128(1).unwrap(), register).unwrap();
    for n in 1..=5u32 {
        let at = chrono::DateTime::UNIX_EPOCH;
        let purchase = Purchase::new(format!("O-{n}").parse().unwrap(), "5 USD".parse().unwrap(), at);
        host.submit(
            &mut live,
            &(),
            CommandId::from_u128(10 + u128::from(n)).unwrap(),
            CustomerCommand::RecordPurchase(purchase),
        )
        .unwrap();
        if n == 3 {
            host.store().save_snapshot(&live).unwrap();
        }
    }
    let store = host.store();
    let snapshot = store.load_snapshot(id.as_uuid()).unwrap().unwrap();
    assert_eq!(snapshot.version(), 4);
    // An older snapshot never replaces a newer one.
    store.save_snapshot(&Customer::new(id)).unwrap();
    assert_eq!(store.load_snapshot(id.as_uuid()).unwrap().unwrap().version(), 4);
    assert_eq!(store.load_state(Customer::new(id)).unwrap(), live);
    assert_eq!(db.count("snapshots").unwrap(), 1);
}
