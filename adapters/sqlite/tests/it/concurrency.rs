//! Writers on their own connections (threads here; the crash test uses a process) appending to the same streams
//! through the host loop: nothing lost, duplicated or reordered.

use std::thread;

use customer_care::host::{CommitStore, Host, RetryPolicy};
use customer_care::{Aggregate, CommandId, Points};
use customer_care_sqlite::Database;

use crate::common::{account, bonus, jan, points_store, program};

const WRITERS: u64 = 4;
const COMMANDS: u64 = 60;
const STREAMS: u64 = 3;

#[test]
fn racing_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    drop(Database::open(&path).unwrap());
    thread::scope(|scope| {
        for w in 0..WRITERS {
            let path = &path;
            scope.spawn(move || {
                let db = Database::open(path).unwrap();
                let mut host = Host::new(points_store(&db), || jan(1)).with_retry(RetryPolicy::attempts(1_000));
                let program = program();
                let mut states: Vec<_> = (0..STREAMS).map(account).collect();
                for k in 0..COMMANDS {
                    let id = CommandId::from_u128(u128::from(w * 1_000 + k + 1)).unwrap();
                    let state = &mut states[(k % STREAMS) as usize];
                    host.submit(state, &program, id, bonus(1)).unwrap();
                }
            });
        }
    });
    let db = Database::open(&path).unwrap();
    let store = points_store(&db);
    let mut total = 0;
    for n in 0..STREAMS {
        let commits = store.load(account(n).stream_id(), 0).unwrap();
        assert!(commits.iter().zip(1..).all(|(c, v)| c.version == v));
        let mut ids: Vec<_> = commits.iter().map(|c| c.command.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), commits.len(), "a command stored twice");
        let state = store.load_state(account(n)).unwrap();
        assert_eq!(state.points_available(), Points::new(commits.len() as i64));
        let due = store.due(jan(1_000), 10).unwrap();
        assert_eq!(due.iter().find(|d| d.stream == state.stream_id()).map(|d| d.due_at), state.next_deadline());
        total += commits.len() as u64;
    }
    assert_eq!(total, WRITERS * COMMANDS);
}

#[test]
fn of_writers_deciding_from_the_same_version_exactly_one_wins() {
    use std::sync::Barrier;

    use customer_care::host::AppendError;
    use customer_care::stream::Command;

    const RACERS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("barrier.db");
    let program = program();
    let mut first = account(9);
    let mut host = Host::new(points_store(&Database::open(&path).unwrap()), || jan(1));
    host.submit(&mut first, &program, CommandId::from_u128(1).unwrap(), bonus(1)).unwrap();
    let barrier = Barrier::new(RACERS);
    let results: Vec<_> = thread::scope(|scope| {
        let racers: Vec<_> = (0..RACERS as u128)
            .map(|n| {
                let (path, barrier, program, state) = (&path, &barrier, &program, first.clone());
                scope.spawn(move || {
                    let mut store = points_store(&Database::open(path).unwrap());
                    let command = Command::new(CommandId::from_u128(100 + n).unwrap(), jan(2), bonus(2));
                    let commit = state.decide(program, &command).unwrap().accepted().unwrap();
                    barrier.wait();
                    store.append(state.stream_id(), state.version(), &[commit])
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(r, Err(AppendError::VersionConflict { expected: 1, actual: 2, .. })), "{r:?}");
    }
    let store = points_store(&Database::open(&path).unwrap());
    assert_eq!(store.load(first.stream_id(), 0).unwrap().len(), 2);
}
