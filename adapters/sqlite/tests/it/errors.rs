//! Typed errors, never a panic: damaged rows, rows changed behind the store's back, a database that refuses.

use customer_care::host::{Host, SubmitError};
use customer_care::{CommandId, PointsAccount};
use customer_care_sqlite::{Database, RowError, StoreError};
use rusqlite::{Connection, OpenFlags};

use crate::common::{account, bonus, filled, jan, points_store, program};

#[test]
fn a_corrupt_effect_is_named() {
    // SQLite stores effects as text: one that is not JSON (PostgreSQL's jsonb column cannot hold one).
    let db = Database::in_memory().unwrap();
    let effects = db.store::<PointsAccount>("points").with_effects(|_| vec![serde_json::json!(1)]);
    let mut host = Host::new(effects, || jan(3));
    host.submit(&mut account(2), &program(), CommandId::from_u128(50).unwrap(), bonus(5)).unwrap();
    db.connection().execute("UPDATE outbox SET effect = 'not json'", []).unwrap();
    let pending = db.outbox().pending(10);
    assert!(
        matches!(pending, Err(StoreError::Row(RowError::Corrupt { table: "outbox", version: 1, .. }))),
        "{pending:?}"
    );
}

#[test]
fn a_database_that_refuses_writes_gives_a_sqlite_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let state = filled(&Database::open(&path).unwrap(), 1);
    let read_only = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let db = Database::from_connection(read_only).unwrap();
    let mut host = Host::new(points_store(&db), || jan(2));
    let mut again = state.clone();
    let result = host.submit(&mut again, &program(), CommandId::from_u128(9).unwrap(), bonus(1));
    match result {
        Err(SubmitError::Store(e)) => assert!(e.is_sqlite() && e.to_string().contains("readonly"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Reads still work.
    assert_eq!(points_store(&db).load_state(account(1)).unwrap(), state);
}

#[test]
fn a_busy_database_times_out_with_a_sqlite_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let db = Database::open(&path).unwrap();
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    db.connection().busy_timeout(std::time::Duration::from_millis(50)).unwrap();
    let mut host = Host::new(points_store(&db), || jan(2));
    let result = host.submit(&mut account(1), &program(), CommandId::from_u128(9).unwrap(), bonus(1));
    assert!(matches!(result, Err(SubmitError::Store(StoreError::Sqlite(_)))), "{result:?}");
    holder.execute_batch("ROLLBACK").unwrap();
    host.submit(&mut account(1), &program(), CommandId::from_u128(9).unwrap(), bonus(1)).unwrap();
}

#[test]
fn a_file_of_another_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE commits (stream BLOB, version INTEGER, command_id BLOB, commit_json TEXT)")
        .unwrap();
    assert!(matches!(Database::open(&path), Err(StoreError::Schema(_))));
    let newer = dir.path().join("newer.db");
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let e = Database::open(&newer).unwrap_err();
    assert_eq!(e.to_string(), "unsupported database schema: schema version 99 is newer than this crate's 1");
}
