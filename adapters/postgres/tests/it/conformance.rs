//! The host's conformance kit, unchanged; snapshots; the partitioned schema.

use customer_care::host::conformance::check_store;
use customer_care::host::{CommitStore, Host};
use customer_care::{CommandId, Customer, CustomerCommand, CustomerId};

use crate::common::{fresh, server};

fn codec(c: &Customer) -> Result<Customer, String> {
    serde_json::to_string(c).and_then(|json| serde_json::from_str(&json)).map_err(|e| e.to_string())
}

#[test]
fn the_store_passes_the_kit() {
    let Some(url) = server() else { return };
    assert_eq!(check_store(|| fresh(&url).store::<Customer>("customer"), codec).unwrap().len(), 6);
}

#[test]
fn a_store_keeping_deadlines_and_snapshots_passes_the_kit() {
    let Some(url) = server() else { return };
    let new = || {
        fresh(&url)
            .store::<Customer>("customer")
            .with_deadlines(|id| CustomerId::new(id).ok().map(Customer::new), |_| None)
            .snapshot_every(2)
            .cache_limit(1)
    };
    assert_eq!(check_store(new, codec).unwrap().len(), 6);
}

#[test]
fn commits_and_streams_are_hash_partitioned_and_migrations_run_once() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let partitions = |table: &str| -> i64 {
        db.client()
            .unwrap()
            .query_one(
                "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                 JOIN pg_partitioned_table t ON t.partrelid = p.oid
                 WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace AND t.partstrat = 'h'",
                &[&table],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!((partitions("commits"), partitions("streams")), (8, 8));
    db.migrate().unwrap();
    assert_eq!(db.schema_version().unwrap(), 1);
    // Rows spread over the partitions.
    let mut host = Host::new(db.store::<Customer>("customer"), || chrono::DateTime::UNIX_EPOCH);
    for n in 1..=64u128 {
        let register = CustomerCommand::Register { profile: Default::default(), registered_at: None };
        host.submit(
            &mut Customer::new(CustomerId::from_u128(n).unwrap()),
            &(),
            CommandId::from_u128(n).unwrap(),
            register,
        )
        .unwrap();
    }
    let used: i64 = db.client().unwrap().query_one("SELECT COUNT(DISTINCT tableoid) FROM commits", &[]).unwrap().get(0);
    assert!(used >= 6, "64 streams landed in {used} of 8 partitions");
    assert_eq!(host.store().load(CustomerId::from_u128(5).unwrap().as_uuid(), 0).unwrap().len(), 1);
}

#[test]
fn snapshots_plus_the_tail_equal_the_stream() {
    use customer_care::customer::Purchase;
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let id = CustomerId::from_u128(9).unwrap();
    let mut host = Host::new(db.store::<Customer>("customer"), || chrono::DateTime::UNIX_EPOCH);
    let mut live = Customer::new(id);
    let register = CustomerCommand::Register { profile: Default::default(), registered_at: None };
    host.submit(&mut live, &(), CommandId::from_u128(1).unwrap(), register).unwrap();
    for n in 1..=5u32 {
        let at = chrono::DateTime::UNIX_EPOCH;
        let purchase = Purchase::new(format!("O-{n}").parse().unwrap(), "5 USD".parse().unwrap(), at);
        let body = CustomerCommand::RecordPurchase(purchase);
        host.submit(&mut live, &(), CommandId::from_u128(10 + u128::from(n)).unwrap(), body).unwrap();
        if n == 3 {
            host.store().save_snapshot(&live).unwrap();
        }
    }
    let store = host.store();
    assert_eq!(store.load_snapshot(id.as_uuid()).unwrap().unwrap().version(), 4);
    store.save_snapshot(&Customer::new(id)).unwrap();
    assert_eq!(store.load_snapshot(id.as_uuid()).unwrap().unwrap().version(), 4);
    assert_eq!(store.load_state(Customer::new(id)).unwrap(), live);
}
