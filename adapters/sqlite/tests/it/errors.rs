//! Typed errors, never a panic: damaged rows, rows changed behind the store's back, a database that refuses.

use customer_care::host::{AppendError, CommitStore, Host, SubmitError};
use customer_care::stream::Command;
use customer_care::{Aggregate, CommandId, PointsAccount};
use customer_care_sqlite::{Database, RowError, StoreError};
use rusqlite::{Connection, OpenFlags};

use crate::common::{account, bonus, jan, points_store, program};

/// A database with one points stream of `n` commits.
fn filled(db: &Database, n: u128) -> PointsAccount {
    let mut host = Host::new(points_store(db), || jan(1));
    let mut state = account(1);
    for k in 0..n {
        host.submit(&mut state, &program(), CommandId::from_u128(k + 1).unwrap(), bonus(5)).unwrap();
    }
    state
}

#[test]
fn a_corrupt_commit_row_is_named_not_panicked_on() {
    let db = Database::in_memory().unwrap();
    let state = filled(&db, 3);
    db.connection().execute("UPDATE commits SET body = '{\"version\": 2' WHERE version = 2", []).unwrap();
    let store = points_store(&db);
    match store.load(state.stream_id(), 0) {
        Err(StoreError::Row(RowError::Corrupt { table: "commits", kind, stream, version: 2, .. })) => {
            assert_eq!((kind.as_str(), stream), ("points", state.stream_id()));
        }
        other => panic!("{other:?}"),
    }
    // The host loop reports it as the store's failure, and a fresh store (cold cache) cannot rebuild past it.
    let mut fresh = account(1);
    let mut host = Host::new(points_store(&db), || jan(2));
    let result = host.submit(&mut fresh, &program(), CommandId::from_u128(99).unwrap(), bonus(1));
    assert!(
        matches!(result, Err(SubmitError::Store(StoreError::Row(RowError::Corrupt { version: 2, .. })))),
        "{result:?}"
    );
    // A row holding another version's commit is corrupt too.
    let first: String =
        db.connection().query_row("SELECT body FROM commits WHERE version = 1", [], |r| r.get(0)).unwrap();
    db.connection().execute("UPDATE commits SET body = ?1 WHERE version = 3", [first]).unwrap();
    assert!(matches!(store.load(state.stream_id(), 2), Err(StoreError::Row(RowError::Corrupt { version: 3, .. }))));
}

#[test]
fn corrupt_snapshots_and_effects_are_named() {
    let db = Database::in_memory().unwrap();
    let state = filled(&db, 2);
    let store = points_store(&db);
    store.save_snapshot(&state).unwrap();
    db.connection().execute("UPDATE snapshots SET state = '[]'", []).unwrap();
    assert!(matches!(
        store.load_snapshot(state.stream_id()),
        Err(StoreError::Row(RowError::Corrupt { table: "snapshots", .. }))
    ));
    assert!(matches!(store.load_state(account(1)), Err(StoreError::Row(RowError::Corrupt { table: "snapshots", .. }))));
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
fn a_constraint_violation_is_typed_and_changes_nothing() {
    let db = Database::in_memory().unwrap();
    let state = filled(&db, 1);
    // Someone moved the head back behind the store's back: the store believes the stream is empty.
    db.connection().execute("UPDATE streams SET version = 0", []).unwrap();
    let mut store = points_store(&db);
    let fresh = account(1);
    let commit = fresh
        .decide(&program(), &Command::new(CommandId::from_u128(77).unwrap(), jan(1), bonus(3)))
        .unwrap()
        .accepted()
        .unwrap();
    let result = store.append(state.stream_id(), 0, &[commit]);
    assert!(matches!(result, Err(AppendError::Store(StoreError::Constraint(_)))), "{result:?}");
    assert_eq!(db.count("commits").unwrap(), 1);
    assert_eq!(store.version(state.stream_id()).unwrap(), 0);
}

#[test]
fn a_batch_out_of_order_is_refused_whole() {
    let db = Database::in_memory().unwrap();
    let state = account(4);
    let commit = |id: u128, version| {
        let mut c = state
            .decide(&program(), &Command::new(CommandId::from_u128(id).unwrap(), jan(1), bonus(3)))
            .unwrap()
            .accepted()
            .unwrap();
        c.version = version;
        c
    };
    let result = points_store(&db).append(state.stream_id(), 0, &[commit(1, 1), commit(2, 3)]);
    assert!(
        matches!(
            result,
            Err(AppendError::Store(StoreError::Row(RowError::BatchOutOfOrder { expected: 0, index: 1, found: 3, .. })))
        ),
        "{result:?}"
    );
    assert_eq!(db.count("commits").unwrap(), 0);
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
