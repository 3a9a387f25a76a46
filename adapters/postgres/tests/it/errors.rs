//! Typed errors, never a panic: damaged rows, rows changed behind the store's back, a closed connection.

use customer_care::host::{AppendError, CommitStore, Host, SubmitError};
use customer_care::stream::Command;
use customer_care::{Aggregate, CommandId, PointsAccount};
use customer_care_postgres::{Database, RowError, StoreError};

use crate::common::{account, bonus, fresh, jan, points_store, program, reconnect, server};

fn filled(db: &Database, n: u128) -> PointsAccount {
    let mut host = Host::new(points_store(db), || jan(1));
    let mut state = account(1);
    for k in 0..n {
        host.submit(&mut state, &program(), CommandId::from_u128(k + 1).unwrap(), bonus(5)).unwrap();
    }
    state
}

#[test]
fn corrupt_rows_are_named_not_panicked_on() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let state = filled(&db, 3);
    db.client().unwrap().batch_execute("UPDATE commits SET body = '{\"version\": 2}' WHERE version = 2").unwrap();
    let result = points_store(&db).load(state.stream_id(), 0);
    assert!(
        matches!(result, Err(StoreError::Row(RowError::Corrupt { table: "commits", version: 2, .. }))),
        "{result:?}"
    );
    let mut host = Host::new(points_store(&db), || jan(2));
    let result = host.submit(&mut account(1), &program(), CommandId::from_u128(99).unwrap(), bonus(1));
    assert!(
        matches!(result, Err(SubmitError::Store(StoreError::Row(RowError::Corrupt { version: 2, .. })))),
        "{result:?}"
    );
    db.client().unwrap().batch_execute("UPDATE commits SET body = '[]' WHERE version = 3").unwrap();
    assert!(matches!(
        points_store(&db).load(state.stream_id(), 2),
        Err(StoreError::Row(RowError::Corrupt { version: 3, .. }))
    ));
}

#[test]
fn a_constraint_violation_is_typed_and_changes_nothing() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let state = filled(&db, 1);
    db.client().unwrap().batch_execute("UPDATE streams SET version = 0").unwrap();
    let mut store = points_store(&db);
    let commit = account(1)
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
fn a_closed_connection_is_typed_and_the_next_connection_works() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let state = filled(&db, 1);
    let pid = db.backend_pid().unwrap();
    let other = reconnect(&url, &db);
    other.client().unwrap().execute("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
    let mut host = Host::new(points_store(&db), || jan(2));
    let mut again = state.clone();
    let result = host.submit(&mut again, &program(), CommandId::from_u128(9).unwrap(), bonus(1));
    match result {
        Err(SubmitError::Store(e)) => assert!(e.is_closed() || matches!(e, StoreError::Postgres(_)), "{e}"),
        other => panic!("{other:?}"),
    }
    let later = host.store().version(state.stream_id());
    assert!(matches!(later, Err(StoreError::Closed(_))), "{later:?}");
    // A new connection carries on from the stored state.
    let mut host = Host::new(points_store(&other), || jan(2));
    host.submit(&mut again, &program(), CommandId::from_u128(9).unwrap(), bonus(1)).unwrap();
    assert_eq!(again.version(), 2);
}

#[test]
fn a_database_from_a_newer_crate_is_refused() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    db.client()
        .unwrap()
        .batch_execute("INSERT INTO customer_care_migrations (version, name) VALUES (99, 'future')")
        .unwrap();
    let e = db.migrate().unwrap_err();
    assert_eq!(e.to_string(), "unsupported database schema: migration 99 is newer than this crate's 1");
    assert!(matches!(Database::connect_in_schema(&url, "Bad-Name"), Err(StoreError::Schema(_))));
}
