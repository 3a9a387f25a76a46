//! The outbox: written with the commit or not at all, drained in order per stream, at least once, stable keys.

use customer_care::host::{AppendError, CommitStore, Host};
use customer_care::stream::Command;
use customer_care::{Aggregate, CommandId, Commit, PointsAccount, PointsCommand, PointsEvent};
use customer_care_sqlite::{Database, OutboxKey, SqliteStore};

use crate::common::{account, bonus, jan, program};

/// One effect per bonus: a receipt naming the points.
fn receipts(commit: &Commit<PointsCommand, PointsEvent>) -> Vec<serde_json::Value> {
    match &commit.command.body {
        PointsCommand::AwardBonus { points, .. } => vec![
            serde_json::json!({ "receipt": points.get(), "version": commit.version }),
            serde_json::json!({ "sms": points.get() }),
        ],
        _ => Vec::new(),
    }
}

fn store(db: &Database) -> SqliteStore<PointsAccount> {
    db.store::<PointsAccount>("points").with_effects(receipts)
}

#[test]
fn effects_are_written_with_their_commit_and_drained_in_order_once_marked() {
    let db = Database::in_memory().unwrap();
    let mut host = Host::new(store(&db), || jan(1));
    let (mut a, mut b) = (account(1), account(2));
    let program = program();
    for n in 0..3u128 {
        host.submit(&mut a, &program, CommandId::from_u128(10 + n).unwrap(), bonus(10 + n as i64)).unwrap();
        host.submit(&mut b, &program, CommandId::from_u128(20 + n).unwrap(), bonus(20 + n as i64)).unwrap();
    }
    let outbox = db.outbox();
    let pending = outbox.pending(100).unwrap();
    assert_eq!(pending.len(), 12);
    // In order per stream: versions never go back, seq counts within a commit.
    for stream in [a.stream_id(), b.stream_id()] {
        let keys: Vec<(u64, u32)> =
            pending.iter().filter(|e| e.key.stream == stream).map(|e| (e.key.version, e.key.seq)).collect();
        assert_eq!(keys, [(1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1)]);
    }
    assert_eq!(pending[0].effect, serde_json::json!({ "receipt": 10, "version": 1 }));
    // At least once: handing out is not delivering; the same entries with the same keys come back.
    assert_eq!(outbox.pending(100).unwrap(), pending);
    // A deliverer that refuses stream b's second receipt: b's later effects wait, a's go on.
    let refused = OutboxKey { kind: "points".into(), stream: b.stream_id(), version: 2, seq: 0 };
    let mut sent = Vec::new();
    let drained = outbox
        .drain(100, jan(2), |e| {
            if e.key == refused {
                return Err("gateway down");
            }
            sent.push(e.key.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(drained.delivered, 8);
    assert_eq!(drained.failed, vec![(refused.clone(), "gateway down".to_owned())]);
    assert_eq!(drained.held_back, 3);
    assert!(sent.iter().all(|k| k.stream != b.stream_id() || k.version < 2));
    // The next drain hands out b's rest, in order, from the refused one on.
    let mut rest = Vec::new();
    let drained = outbox
        .drain(100, jan(3), |e| {
            rest.push((e.key.version, e.key.seq));
            Ok::<(), String>(())
        })
        .unwrap();
    assert_eq!((drained.delivered, drained.held_back), (4, 0));
    assert_eq!(rest, [(2, 0), (2, 1), (3, 0), (3, 1)]);
    assert_eq!(outbox.pending_count().unwrap(), 0);
    // Marking again is a no-op that says so.
    assert!(!outbox.mark_done(&refused, jan(4)).unwrap());
}

#[test]
fn a_refused_append_writes_no_effect() {
    let db = Database::in_memory().unwrap();
    let mut store = store(&db);
    let program = program();
    let state = account(3);
    let decide = |state: &PointsAccount, id: u128, points| {
        state
            .decide(&program, &Command::new(CommandId::from_u128(id).unwrap(), jan(1), bonus(points)))
            .unwrap()
            .accepted()
            .unwrap()
    };
    let first = decide(&state, 1, 5);
    store.append(state.stream_id(), 0, std::slice::from_ref(&first)).unwrap();
    // A writer that lost the race: a version conflict, nothing of its commit in the outbox.
    let loser = decide(&state, 2, 7);
    let conflict = store.append(state.stream_id(), 0, std::slice::from_ref(&loser));
    assert!(matches!(conflict, Err(AppendError::VersionConflict { expected: 0, actual: 1, .. })));
    // A batch whose second commit reuses a stored command id: refused whole, effects of the first too.
    let mut applied = state.clone();
    applied.apply(&first);
    let good = decide(&applied, 3, 9);
    let mut again = first.clone();
    again.version = 3;
    let refused = store.append(state.stream_id(), 1, &[good, again]);
    assert!(matches!(refused, Err(AppendError::DuplicateCommand { version: 1, .. })));
    assert_eq!(db.count("outbox").unwrap(), 2);
    assert_eq!(db.count("commits").unwrap(), 1);
    let effects: Vec<_> = db.outbox().pending(10).unwrap().into_iter().map(|e| e.effect["sms"].clone()).collect();
    assert_eq!(effects, [serde_json::Value::Null, serde_json::json!(5)]);
}
