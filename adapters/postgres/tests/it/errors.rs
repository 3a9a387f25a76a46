//! Typed errors, never a panic: damaged rows, rows changed behind the store's back, a closed connection.

use customer_care::host::{Host, SubmitError};
use customer_care::{Aggregate, CommandId};
use customer_care_postgres::{Database, StoreError};

use crate::common::{bonus, filled, fresh, jan, points_store, program, reconnect, server};

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
