//! Typed errors, never a panic: damaged rows, rows changed behind the store's back, a batch out of order.

use customer_care::host::{AppendError, CommitStore, Host, SubmitError};
use customer_care::stream::Command;
use customer_care::{Aggregate, PointsAccount};

use super::{Harness, account, bonus, id, jan, points_store, program};
use crate::{Engine, RowError};

/// Fills `db` with one points stream (account 1, deadlines kept) of `n` bonus commits; its state.
///
/// # Panics
///
/// When a submit fails.
pub fn filled<D: Engine>(db: &D, n: u128) -> PointsAccount {
    let mut host = Host::new(points_store(db), || jan(1));
    let mut state = account(1);
    for k in 0..n {
        host.submit(&mut state, &program(), id(k + 1), bonus(5)).unwrap();
    }
    state
}

/// A commit row that does not decode, or holds another version's commit, is `RowError::Corrupt` naming the
/// table, kind, stream and version: on load, and in the host loop of a store with a cold cache.
///
/// # Panics
///
/// When the error is another.
pub fn corrupt_commit_rows_are_named<H: Harness>(h: &H) {
    let db = h.open();
    let state = filled(&db, 3);
    h.execute(&db, r#"UPDATE commits SET body = '{"version": 2}' WHERE version = 2"#);
    let store = points_store(&db);
    match store.load(state.stream_id(), 0).map_err(|e| h.row_error(&e).cloned()) {
        Err(Some(RowError::Corrupt { table: "commits", kind, stream, version: 2, .. })) => {
            assert_eq!((kind.as_str(), stream), ("points", state.stream_id()));
        }
        other => panic!("{other:?}"),
    }
    // The host loop reports it as the store's failure, and a fresh store (cold cache) cannot rebuild past it.
    let mut host = Host::new(points_store(&db), || jan(2));
    match host.submit(&mut account(1), &program(), id(99), bonus(1)) {
        Err(SubmitError::Store(e)) => {
            assert!(matches!(h.row_error(&e), Some(RowError::Corrupt { version: 2, .. })), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // A row holding another version's commit is corrupt too.
    h.execute(&db, "UPDATE commits SET body = (SELECT body FROM commits WHERE version = 1) WHERE version = 3");
    let e = store.load(state.stream_id(), 2).unwrap_err();
    assert!(matches!(h.row_error(&e), Some(RowError::Corrupt { version: 3, .. })), "{e}");
}

/// A snapshot that does not decode is `RowError::Corrupt` in `snapshots`.
///
/// # Panics
///
/// When the error is another.
pub fn corrupt_snapshots_are_named<H: Harness>(h: &H) {
    let db = h.open();
    let state = filled(&db, 2);
    let store = points_store(&db);
    store.save_snapshot(&state).unwrap();
    h.execute(&db, "UPDATE snapshots SET state = '[]'");
    let e = store.load_snapshot(state.stream_id()).unwrap_err();
    assert!(matches!(h.row_error(&e), Some(RowError::Corrupt { table: "snapshots", .. })), "{e}");
    let e = store.load_state(account(1)).unwrap_err();
    assert!(matches!(h.row_error(&e), Some(RowError::Corrupt { table: "snapshots", .. })), "{e}");
}

/// A head moved back behind the store's back: the append hits the schema's uniqueness rule, gets the adapter's
/// constraint error, and changes nothing.
///
/// # Panics
///
/// When the error is another or something changed.
pub fn a_constraint_violation_is_typed_and_changes_nothing<H: Harness>(h: &H) {
    let db = h.open();
    let state = filled(&db, 1);
    h.execute(&db, "UPDATE streams SET version = 0");
    let mut store = points_store(&db);
    let commit = account(1).decide(&program(), &Command::new(id(77), jan(1), bonus(3))).unwrap().accepted().unwrap();
    match store.append(state.stream_id(), 0, &[commit]) {
        Err(AppendError::Store(e)) => assert!(h.is_constraint(&e), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(db.count("commits").unwrap(), 1);
    assert_eq!(store.version(state.stream_id()).unwrap(), 0);
}

/// A batch whose versions skip is refused whole with `RowError::BatchOutOfOrder`.
///
/// # Panics
///
/// When the error is another or a commit was stored.
pub fn a_batch_out_of_order_is_refused_whole<H: Harness>(h: &H) {
    let db = h.open();
    let state = account(4);
    let commit = |n: u128, version| {
        let mut c = state.decide(&program(), &Command::new(id(n), jan(1), bonus(3))).unwrap().accepted().unwrap();
        c.version = version;
        c
    };
    match points_store(&db).append(state.stream_id(), 0, &[commit(1, 1), commit(2, 3)]) {
        Err(AppendError::Store(e)) => assert!(
            matches!(h.row_error(&e), Some(RowError::BatchOutOfOrder { expected: 0, index: 1, found: 3, .. })),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(db.count("commits").unwrap(), 0);
}
