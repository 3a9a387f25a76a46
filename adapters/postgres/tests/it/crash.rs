//! A connection killed in the middle of an append, and a writer process killed at random: whole commits or
//! nothing.

use std::sync::mpsc;
use std::thread::{self, sleep};
use std::time::Duration;

use customer_care::host::{CommitStore, Host};
use customer_care::stream::Command;
use customer_care::{Aggregate, CommandId};
use customer_care_postgres::Database;

use crate::common::{account, bonus, fresh, jan, program, reconnect, server};
use crate::concurrency::{EFFECTS, STREAMS, spawn_writer, store};

/// Waits until the backend `pid` waits for a lock (at most ~10 s).
fn until_waiting(db: &Database, pid: i32) {
    for _ in 0..1_000 {
        let waiting: bool = db
            .client()
            .unwrap()
            .query_one(
                "SELECT COALESCE(bool_or(wait_event_type = 'Lock'), false) FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .unwrap()
            .get(0);
        if waiting {
            return;
        }
        sleep(Duration::from_millis(10));
    }
    panic!("backend {pid} never blocked");
}

#[test]
fn a_connection_terminated_mid_append_leaves_nothing_of_it() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let stream = account(1).stream_id();
    let mut first = account(1);
    Host::new(store(&db), || jan(1))
        .submit(&mut first, &program(), CommandId::from_u128(1).unwrap(), bonus(5))
        .unwrap();
    let due_before = store(&db).due(jan(1_000), 10).unwrap();
    // Another session holds an uncommitted row at version 2, so the appender blocks inside its transaction, after
    // it has locked the stream and before its commit row is in.
    let blocker = reconnect(&url, &db);
    blocker
        .client()
        .unwrap()
        .batch_execute(&format!(
            "BEGIN; INSERT INTO commits (kind, stream, version, command_id, body)
         VALUES ('points', '{stream}', 2, gen_random_uuid(), '{{}}')"
        ))
        .unwrap();
    let (pid_tx, pid_rx) = mpsc::channel();
    let appender = {
        let (url, schema): (String, String) =
            (url, db.client().unwrap().query_one("SELECT current_schema()", &[]).unwrap().get(0));
        let first = first.clone();
        thread::spawn(move || {
            let db = Database::connect_in_schema(&url, &schema).unwrap();
            pid_tx.send(db.backend_pid().unwrap()).unwrap();
            let commit = first
                .decide(&program(), &Command::new(CommandId::from_u128(2).unwrap(), jan(2), bonus(7)))
                .unwrap()
                .accepted()
                .unwrap();
            store(&db).append(first.stream_id(), 1, &[commit]).map_err(|e| e.to_string())
        })
    };
    let pid = pid_rx.recv().unwrap();
    until_waiting(&db, pid);
    db.client().unwrap().execute("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
    let result = appender.join().unwrap();
    assert!(result.is_err(), "the killed append reported success");
    blocker.client().unwrap().batch_execute("ROLLBACK").unwrap();
    // Nothing of the killed append: head, commits, outbox and deadline as before.
    let store = store(&db);
    assert_eq!(store.version(stream).unwrap(), 1);
    assert_eq!(store.load(stream, 0).unwrap().len(), 1);
    assert_eq!(db.count("outbox").unwrap(), EFFECTS as u64);
    assert_eq!(store.due(jan(1_000), 10).unwrap(), due_before);
    // And the stream goes on.
    let mut host = Host::new(store, || jan(3));
    host.submit(&mut first, &program(), CommandId::from_u128(2).unwrap(), bonus(7)).unwrap();
    assert_eq!(first.version(), 2);
}

#[test]
fn a_writer_process_killed_at_random_leaves_whole_commits() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let mut total = 0;
    for kill in 1..=2u64 {
        let mut child = spawn_writer(&url, &db, kill, 0);
        let target = total + 200 * kill;
        for _ in 0..3_000 {
            sleep(Duration::from_millis(10));
            if db.count("commits").unwrap() >= target {
                break;
            }
            assert!(child.try_wait().unwrap().is_none(), "the writer stopped on its own");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let store = store(&reconnect(&url, &db));
        let mut sum = 0;
        for n in 0..STREAMS {
            let commits = store.load(account(n).stream_id(), 0).unwrap();
            assert_eq!(store.version(account(n).stream_id()).unwrap(), commits.len() as u64);
            assert!(commits.iter().zip(1..).all(|(c, v)| c.version == v));
            let state = customer_care::stream::replay(account(n), &commits).unwrap();
            let due = store.due(jan(1_000), 100).unwrap();
            assert_eq!(due.iter().find(|d| d.stream == state.stream_id()).map(|d| d.due_at), state.next_deadline());
            sum += commits.len() as u64;
        }
        assert_eq!(db.count("outbox").unwrap(), sum * EFFECTS as u64);
        assert!(sum > total);
        total = sum;
    }
}
