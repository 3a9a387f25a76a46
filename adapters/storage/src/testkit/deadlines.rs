//! Deadlines stored with each commit, and a scheduler that wakes exactly the streams that are due.

use std::collections::BTreeMap;

use customer_care::host::{Host, ManualClock, Outcome};
use customer_care::{AccountId, Aggregate, Points, PointsAccount, PointsCommand};

use super::{Harness, account, bonus, id, jan, points_store, program};
use crate::Engine;

/// [`Harness::accounts`] points accounts earn on one of 28 January days; a scheduler loop over 42 mornings
/// pages through `due(now, 256)` and submits `ProcessDue` to each stream: each is woken exactly once, at or after
/// its deadline, all points expire, no deadline is left, and a restart (snapshot + tail) finds the same states.
///
/// # Panics
///
/// When one of these does not hold.
pub fn a_scheduler_loop_expires_points<H: Harness>(h: &H) {
    let db = h.open();
    let accounts_n = h.accounts();
    let program = program();
    let mut host = Host::new(points_store(&db).snapshot_every(4), ManualClock::new(jan(1)));
    let mut accounts = BTreeMap::new();
    let mut next_id = 0u128;
    let mut next = || {
        next_id += 1;
        id(next_id)
    };
    // January: every account earns once, on one of 28 days.
    for day in 1..=28 {
        host.clock_mut().set(jan(day));
        for n in (0..accounts_n).filter(|n| n % 28 == day.unsigned_abs() - 1) {
            let mut state = account(n);
            host.submit(&mut state, &program, next(), bonus(10 + (n % 7) as i64)).unwrap();
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
                let submitted = host.submit(state, &program, next(), PointsCommand::ProcessDue).unwrap();
                assert!(matches!(submitted.outcome, Outcome::Committed(_)));
                *woken.entry(d.stream).or_default() += 1;
            }
        }
    }
    // Each account woken once, its points gone, and no deadline left.
    assert_eq!(woken.len() as u64, accounts_n);
    assert!(woken.values().all(|&n| n == 1));
    assert!(accounts.values().all(|a| a.points_available() == Points::new(0) && a.next_deadline().is_none()));
    assert_eq!(host.store().next_due().unwrap(), None);
    // A restart finds the same states (snapshot + tail).
    for state in accounts.values().take(50) {
        let fresh = PointsAccount::new(AccountId::new(state.stream_id()).unwrap());
        assert_eq!(&host.store().load_state(fresh).unwrap(), state);
    }
    assert_eq!(db.count("snapshots").unwrap(), 0, "two commits per stream: no snapshot due at every 4");
}

/// Two connections take turns on one stream; each rebuilds what the other appended from the snapshot (every 3
/// commits) and the commits after it, and stores exactly the aggregate's deadline.
///
/// # Panics
///
/// When a stored deadline is not the aggregate's.
pub fn writers_with_cold_caches_store_the_same_deadlines<H: Harness>(h: &H) {
    let db = h.open();
    let program = program();
    let mut hosts = [db.clone(), h.reconnect(&db)]
        .map(|db| Host::new(points_store(&db).snapshot_every(3), ManualClock::new(jan(1))));
    let mut state = account(1);
    for n in 0..12u32 {
        let host = &mut hosts[n as usize % 2];
        let now = jan(1 + i64::from(n) * 5);
        host.clock_mut().set(now);
        let body = if state.next_deadline().is_some_and(|t| t <= now) { PointsCommand::ProcessDue } else { bonus(5) };
        host.submit(&mut state, &program, id(100 + u128::from(n)), body).unwrap();
        let stored = host.store().due(jan(400), 10).unwrap();
        assert_eq!(stored.first().map(|d| d.due_at), state.next_deadline(), "after command {n}");
        assert_eq!(stored.first().map(|d| d.version), Some(state.version()));
    }
    assert!(state.ledger().totals().expired > Points::new(0), "the walk went past an expiry");
    assert_eq!(hosts[0].store().database().count("snapshots").unwrap(), 1);
}
