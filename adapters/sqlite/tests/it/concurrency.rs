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
