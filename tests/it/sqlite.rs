//! The conformance kit against the SQLite host of `examples/sqlite_host`, on real database files, plus a real
//! concurrent-append race between threads with their own connections.

#[path = "../../examples/sqlite_host/store.rs"]
mod store;

use std::path::PathBuf;
use std::sync::{Arc, Barrier};

use customer_care::customer::{Customer, CustomerCommand, CustomerEvent, Purchase};
use customer_care::host::conformance::check_store;
use customer_care::host::{AppendError, CommitStore};
use customer_care::{Command, CommandId, CustomerId};
use store::SqliteStore;

type Store = SqliteStore<CustomerCommand, CustomerEvent>;

fn fresh_path() -> PathBuf {
    std::env::temp_dir().join(format!("customer-care-test-{}.db", uuid::Uuid::new_v4()))
}

#[test]
fn the_sqlite_store_passes_the_conformance_kit() {
    let mut paths = Vec::new();
    let result = check_store(
        || {
            let path = fresh_path();
            paths.push(path.clone());
            Store::open(&path).unwrap()
        },
        |c: &Customer| {
            serde_json::from_str(&serde_json::to_string(c).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
        },
    );
    for p in paths {
        let _ = std::fs::remove_file(&p);
        let _ = std::fs::remove_file(p.with_extension("db-wal"));
        let _ = std::fs::remove_file(p.with_extension("db-shm"));
    }
    assert_eq!(result.unwrap().len(), 6);
}

#[test]
fn concurrent_writers_from_the_same_version_exactly_one_wins() {
    let path = fresh_path();
    let id = CustomerId::from_u128(77).unwrap();
    let t0 = crate::common::at(2026, 1, 1, 9, 0);
    {
        let mut store = Store::open(&path).unwrap();
        let register = Command::new(
            CommandId::from_u128(1).unwrap(),
            t0,
            CustomerCommand::Register { profile: Default::default(), registered_at: None },
        );
        let commit = Customer::new(id).decide(&register).unwrap().accepted().unwrap();
        store.append(id.as_uuid(), 0, &[commit]).unwrap();
    }
    const WRITERS: u128 = 8;
    let barrier = Arc::new(Barrier::new(WRITERS as usize));
    let handles: Vec<_> = (0..WRITERS)
        .map(|n| {
            let (path, barrier) = (path.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let state =
                    customer_care::stream::replay(Customer::new(id), &store.load(id.as_uuid(), 0).unwrap()).unwrap();
                let purchase = Purchase::new(format!("R-{n}").parse().unwrap(), "1000 VND".parse().unwrap(), t0);
                let command =
                    Command::new(CommandId::from_u128(100 + n).unwrap(), t0, CustomerCommand::RecordPurchase(purchase));
                let commit = state.decide(&command).unwrap().accepted().unwrap();
                barrier.wait();
                store.append(id.as_uuid(), state.version(), &[commit])
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(r, Err(AppendError::VersionConflict { expected: 1, actual: 2, .. })), "{r:?}");
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(CommitStore::<CustomerCommand, CustomerEvent>::load(&store, id.as_uuid(), 0).unwrap().len(), 2);
    drop(store);
    let _ = std::fs::remove_file(&path);
}
