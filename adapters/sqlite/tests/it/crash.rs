//! A writer process killed (SIGKILL) in the middle of its appends leaves whole commits or nothing: every stream's
//! commits are numbered 1..=head, every commit has all its effects, and every stored deadline is the aggregate's.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::thread::sleep;
use std::time::Duration;

use customer_care::host::{CommitStore, Host};
use customer_care::stream::Command;
use customer_care::{Aggregate, CommandId, Commit, PointsAccount, PointsCommand, PointsEvent};
use customer_care_sqlite::{Database, SqliteStore};

use crate::common::{account, bonus, jan, points_store, program};

const STREAMS: u64 = 40;
const EFFECTS: usize = 3;
const CHILD_ENV: &str = "CUSTOMER_CARE_SQLITE_CRASH_DB";

fn effects(commit: &Commit<PointsCommand, PointsEvent>) -> Vec<serde_json::Value> {
    (0..EFFECTS).map(|seq| serde_json::json!({ "version": commit.version, "seq": seq })).collect()
}

fn store(db: &Database) -> SqliteStore<PointsAccount> {
    points_store(db).with_effects(effects).snapshot_every(5)
}

/// The writer: resumes every stream from the file, then appends forever, alternating single commits through the
/// host loop and batches of three commits appended at once. Runs only when the parent test starts it.
#[test]
#[ignore = "the writer process of a_writer_killed_mid_append_leaves_whole_commits"]
fn child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let db = Database::open(&path).unwrap();
    let program = program();
    let mut host = Host::new(store(&db), || jan(1));
    let mut states: Vec<PointsAccount> = (0..STREAMS).map(|n| host.store().load_state(account(n)).unwrap()).collect();
    let mut next = db.count("commits").unwrap() as u128 * 10 + 1_000_000;
    for round in 0u64.. {
        let state = &mut states[(round % STREAMS) as usize];
        next += 10;
        if round % 2 == 0 {
            host.submit(state, &program, CommandId::from_u128(next).unwrap(), bonus(1 + round as i64 % 5)).unwrap();
        } else {
            let mut after = state.clone();
            let mut batch = Vec::new();
            for k in 0..3 {
                let command = Command::new(CommandId::from_u128(next + k).unwrap(), jan(1), bonus(2));
                let commit = after.decide(&program, &command).unwrap().accepted().unwrap();
                after.apply(&commit);
                batch.push(commit);
            }
            host.store_mut().append(state.stream_id(), state.version(), &batch).unwrap();
            *state = after;
        }
    }
}

fn check(path: &Path) -> u64 {
    let db = Database::open(path).unwrap();
    let ok: String = db.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let store = store(&db);
    let mut heads = BTreeMap::new();
    for n in 0..STREAMS {
        let state = account(n);
        let head = store.version(state.stream_id()).unwrap();
        let commits = store.load(state.stream_id(), 0).unwrap();
        assert_eq!(commits.len() as u64, head, "stream {n}: commits beyond or short of the head");
        assert!(commits.iter().zip(1..).all(|(c, v)| c.version == v), "stream {n}: a gap");
        let rebuilt = customer_care::stream::replay(state, &commits).unwrap();
        let due = store.due(jan(10_000), usize::MAX).unwrap();
        let stored = due.iter().find(|d| d.stream == rebuilt.stream_id()).map(|d| d.due_at);
        assert_eq!(stored, rebuilt.next_deadline(), "stream {n}: deadline");
        heads.insert(n, head);
    }
    let effects: i64 = db.connection().query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
    let total: u64 = heads.values().sum();
    assert_eq!(effects as u64, total * EFFECTS as u64, "effects of a commit missing or left over");
    total
}

#[test]
fn a_writer_killed_mid_append_leaves_whole_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    drop(Database::open(&path).unwrap());
    let mut total = 0;
    for kill in 1..=3u64 {
        let mut child = Process::new(std::env::current_exe().unwrap())
            .args(["crash::child_writer", "--exact", "--ignored", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait for a few hundred more commits, then SIGKILL: the writer is almost always inside a transaction.
        let target = total + 300 * kill;
        for _ in 0..3_000 {
            sleep(Duration::from_millis(10));
            let db = Database::open(&path).unwrap();
            if db.count("commits").unwrap() >= target {
                break;
            }
            assert!(child.try_wait().unwrap().is_none(), "the writer stopped on its own");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let after = check(&path);
        assert!(after > total, "kill {kill}: the writer made no progress");
        total = after;
    }
}
