//! The partitioned schema (the conformance kit and snapshots are the testkit's scenarios, see `common`).

use customer_care::host::{CommitStore, Host};
use customer_care::{CommandId, Customer, CustomerCommand, CustomerId};

use crate::common::{fresh, server};

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
