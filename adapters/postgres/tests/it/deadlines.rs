//! Deadlines stored with each commit, and a scheduler that wakes exactly the streams that are due.

use std::collections::BTreeMap;

use customer_care::host::{Host, ManualClock, Outcome};
use customer_care::{Aggregate, CommandId, Points, PointsAccount, PointsCommand};

use crate::common::{account, bonus, fresh, jan, points_store, program, reconnect, server};

const ACCOUNTS: u64 = 2_000;

#[test]
fn a_scheduler_loop_expires_points_for_thousands_of_accounts() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let program = program();
    let mut host = Host::new(points_store(&db).snapshot_every(4), ManualClock::new(jan(1)));
    let mut accounts = BTreeMap::new();
    let mut next_id = 0u128;
    let mut id = || {
        next_id += 1;
        CommandId::from_u128(next_id).unwrap()
    };
    // January: every account earns once, on one of 28 days.
    for day in 1..=28 {
        host.clock_mut().set(jan(day));
        for n in (0..ACCOUNTS).filter(|n| n % 28 == day as u64 - 1) {
            let mut state = account(n);
            host.submit(&mut state, &program, id(), bonus(10 + n as i64 % 7)).unwrap();
            accounts.insert(state.stream_id(), state);
        }
    }
    // Every stream's deadline is the aggregate's own, and nothing is due before the first expiry.
    let first_expiry = accounts.values().filter_map(PointsAccount::next_deadline).min().unwrap();
    assert_eq!(host.store().next_due().unwrap(), Some(first_expiry));
    let before = first_expiry - chrono::TimeDelta::microseconds(1);
    assert!(host.store().due(before, 10).unwrap().is_empty());

    // The scheduler: every morning, wake what is due (in pages), submit its time command, repeat.
    let mut woken = BTreeMap::<_, u32>::new();
    for day in 29..=70 {
        let now = jan(day);
        host.clock_mut().set(now);
        loop {
            let due = host.store().due(now, 256).unwrap();
            if due.is_empty() {
                break;
            }
            for d in due {
                assert!(d.due_at <= now);
                let state = accounts.get_mut(&d.stream).unwrap();
                assert_eq!(state.version(), d.version);
                assert_eq!(state.next_deadline().map(|t| t <= now), Some(true), "woken before its deadline");
                let submitted = host.submit(state, &program, id(), PointsCommand::ProcessDue).unwrap();
                assert!(matches!(submitted.outcome, Outcome::Committed(_)));
                *woken.entry(d.stream).or_default() += 1;
            }
        }
    }
    // Each account woken once, its points gone, and no deadline left.
    assert_eq!(woken.len() as u64, ACCOUNTS);
    assert!(woken.values().all(|&n| n == 1));
    assert!(accounts.values().all(|a| a.points_available() == Points::new(0) && a.next_deadline().is_none()));
    assert_eq!(host.store().next_due().unwrap(), None);
    // A restart finds the same states (snapshot + tail).
    for state in accounts.values().take(50) {
        let fresh = PointsAccount::new(customer_care::AccountId::new(state.stream_id()).unwrap());
        assert_eq!(&host.store().load_state(fresh).unwrap(), state);
    }
    assert!(db.count("snapshots").unwrap() == 0, "two commits per stream: no snapshot due at every 4");
}

#[test]
fn the_due_query_reads_the_index() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let mut client = db.client().unwrap();
    // Many streams, few due: the planner takes the partial index on (kind, due_at) in every partition.
    client
        .batch_execute(
            "INSERT INTO streams (kind, stream, version, due_at)
             SELECT 'points', gen_random_uuid(), 1, 1000000 + g FROM generate_series(1, 20000) g;
             ANALYZE streams",
        )
        .unwrap();
    let plan: Vec<String> = client
        .query(
            "EXPLAIN SELECT stream, due_at, version FROM streams
             WHERE kind = 'points' AND due_at IS NOT NULL AND due_at <= 1000010 ORDER BY due_at, stream LIMIT 10",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("streams_p0_kind_due_at_idx") || plan.contains("Index"), "{plan}");
    assert!(!plan.contains("Seq Scan"), "{plan}");
}

#[test]
fn writers_with_cold_caches_store_the_same_deadlines() {
    // Two connections to one database take turns on the same streams; each rebuilds what the other appended,
    // from the snapshot (every 3 commits) and the commits after it.
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let program = program();
    let mut hosts = [db.clone(), reconnect(&url, &db)]
        .map(|db| Host::new(points_store(&db).snapshot_every(3), ManualClock::new(jan(1))));
    let mut state = account(1);
    for n in 0..12u32 {
        let host = &mut hosts[n as usize % 2];
        let now = jan(1 + i64::from(n) * 5);
        host.clock_mut().set(now);
        let body = if state.next_deadline().is_some_and(|t| t <= now) { PointsCommand::ProcessDue } else { bonus(5) };
        host.submit(&mut state, &program, CommandId::from_u128(100 + u128::from(n)).unwrap(), body).unwrap();
        let stored = host.store().due(jan(400), 10).unwrap();
        assert_eq!(stored.first().map(|d| d.due_at), state.next_deadline(), "after command {n}");
        assert_eq!(stored.first().map(|d| d.version), Some(state.version()));
    }
    assert!(state.ledger().totals().expired > Points::new(0), "the walk went past an expiry");
    assert_eq!(hosts[0].store().database().count("snapshots").unwrap(), 1);
}
