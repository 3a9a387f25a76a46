//! The outbox: written with the commit or not at all, drained in order per stream, at least once, stable keys,
//! done entries deleted by age.

use customer_care::host::{AppendError, CommitStore, Host};
use customer_care::stream::Command;
use customer_care::{Aggregate, Commit, PointsAccount, PointsCommand, PointsEvent};

use super::{Harness, account, bonus, id, jan, program};
use crate::{Engine, Outbox, OutboxKey, Store};

/// Two effects per bonus: a receipt naming the points and its version, and an SMS.
fn receipts(commit: &Commit<PointsCommand, PointsEvent>) -> Vec<serde_json::Value> {
    match &commit.command.body {
        PointsCommand::AwardBonus { points, .. } => vec![
            serde_json::json!({ "receipt": points.get(), "version": commit.version }),
            serde_json::json!({ "sms": points.get() }),
        ],
        _ => Vec::new(),
    }
}

fn store<D: Engine>(db: &D) -> Store<PointsAccount, D> {
    Store::new(db.clone(), "points").with_effects(receipts)
}

/// Effects are in the outbox with their commit, in order per stream, handed out until marked (same keys), a
/// refusal holds back the rest of its stream, and marking twice says so.
///
/// # Panics
///
/// When one of these does not hold.
pub fn effects_are_written_with_their_commit_and_drained_in_order<H: Harness>(h: &H) {
    let db = h.open();
    let mut host = Host::new(store(&db), || jan(1));
    let (mut a, mut b) = (account(1), account(2));
    let program = program();
    for n in 0..3i64 {
        host.submit(&mut a, &program, id(10 + n as u128), bonus(10 + n)).unwrap();
        host.submit(&mut b, &program, id(20 + n as u128), bonus(20 + n)).unwrap();
    }
    let outbox = Outbox::new(db);
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

/// A version conflict, or a batch refused for a duplicate command id, writes no effect.
///
/// # Panics
///
/// When one does.
pub fn a_refused_append_writes_no_effect<H: Harness>(h: &H) {
    let db = h.open();
    let mut store = store(&db);
    let program = program();
    let state = account(3);
    let decide = |state: &PointsAccount, n: u128, points| {
        state.decide(&program, &Command::new(id(n), jan(1), bonus(points))).unwrap().accepted().unwrap()
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
    let effects: Vec<_> = Outbox::new(db).pending(10).unwrap().into_iter().map(|e| e.effect["sms"].clone()).collect();
    assert_eq!(effects, [serde_json::Value::Null, serde_json::json!(5)]);
}

/// Housekeeping: `delete_done(before)` removes the entries done strictly before `before`, never a pending one.
///
/// # Panics
///
/// When it removes the wrong entries.
pub fn done_effects_are_deleted_before_an_instant<H: Harness>(h: &H) {
    let db = h.open();
    let mut host = Host::new(store(&db), || jan(1));
    let program = program();
    let mut a = account(7);
    for n in 0..3i64 {
        host.submit(&mut a, &program, id(40 + n as u128), bonus(1 + n)).unwrap();
    }
    let outbox = Outbox::new(db.clone());
    // Version 1's two effects done on day 2, version 2's on day 5; version 3's stay pending.
    for (day, version) in [(2, 1), (5, 2)] {
        for seq in 0..2 {
            let key = OutboxKey { kind: "points".into(), stream: a.stream_id(), version, seq };
            assert!(outbox.mark_done(&key, jan(day)).unwrap());
        }
    }
    assert_eq!(outbox.delete_done(jan(2)).unwrap(), 0, "done at the instant itself: kept");
    assert_eq!(outbox.delete_done(jan(3)).unwrap(), 2);
    assert_eq!((db.count("outbox").unwrap(), outbox.pending_count().unwrap()), (4, 2));
    assert_eq!(outbox.delete_done(jan(400)).unwrap(), 2, "pending entries are never deleted");
    let left: Vec<_> = outbox.pending(10).unwrap().into_iter().map(|e| (e.key.version, e.key.seq)).collect();
    assert_eq!(left, [(3, 0), (3, 1)]);
    assert_eq!(db.count("outbox").unwrap(), 2);
}
