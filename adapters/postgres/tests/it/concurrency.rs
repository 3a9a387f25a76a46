//! Several OS processes appending to the same streams through `host::submit`: nothing lost, duplicated or
//! reordered, and every account's invariants hold. The writer is this test binary, started again.

use std::collections::BTreeSet;
use std::process::{Child, Command as Process, Stdio};

use customer_care::host::{CommitStore, Host, RetryPolicy};
use customer_care::{Aggregate, CommandId, Commit, Points, PointsCommand, PointsEvent};
use customer_care_postgres::{Database, PostgresStore};

use crate::common::{account, bonus, fresh, jan, points_store, program, server};

pub(crate) const STREAMS: u64 = 5;
const WRITERS: u64 = 4;
const COMMANDS: u64 = 150;
pub(crate) const EFFECTS: usize = 2;
const ENV: &str = "CUSTOMER_CARE_PG_CHILD";

fn effects(commit: &Commit<PointsCommand, PointsEvent>) -> Vec<serde_json::Value> {
    (0..EFFECTS).map(|seq| serde_json::json!({ "version": commit.version, "seq": seq })).collect()
}

/// The writers' store: points with deadlines, two effects per commit, a snapshot every 10 commits.
pub(crate) fn store(db: &Database) -> PostgresStore<customer_care::PointsAccount> {
    points_store(db).with_effects(effects).snapshot_every(10)
}

/// Starts this binary as a writer: `commands` bonuses (0: until killed) into the schema of `db`.
pub(crate) fn spawn_writer(url: &str, db: &Database, writer: u64, commands: u64) -> Child {
    let schema: String = db.client().unwrap().query_one("SELECT current_schema()", &[]).unwrap().get(0);
    Process::new(std::env::current_exe().unwrap())
        .args(["concurrency::child_writer", "--exact", "--ignored", "--test-threads=1"])
        .env(ENV, format!("{schema} {writer} {commands}"))
        .env("CUSTOMER_CARE_PG_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The writer process: bonuses of 1 point round-robin over the streams, through the host loop, each command id
/// unique to the writer.
#[test]
#[ignore = "the writer process of the multi-process tests"]
fn child_writer() {
    let Some(spec) = std::env::var_os(ENV) else { return };
    let spec = spec.into_string().unwrap();
    let mut parts = spec.split(' ');
    let (schema, writer, commands): (&str, u64, u64) =
        (parts.next().unwrap(), parts.next().unwrap().parse().unwrap(), parts.next().unwrap().parse().unwrap());
    let url = std::env::var("CUSTOMER_CARE_PG_URL").unwrap();
    let db = Database::connect_in_schema(&url, schema).unwrap();
    let mut host = Host::new(store(&db), || jan(1)).with_retry(RetryPolicy::attempts(10_000));
    let program = program();
    let mut states: Vec<_> = (0..STREAMS).map(account).collect();
    let limit = if commands == 0 { u64::MAX } else { commands };
    for k in 0..limit {
        let id = CommandId::from_u128((u128::from(writer) << 64) | u128::from(k + 1)).unwrap();
        let state = &mut states[(k % STREAMS) as usize];
        host.submit(state, &program, id, bonus(1)).unwrap();
    }
}

#[test]
fn processes_appending_to_the_same_streams_lose_nothing() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let children: Vec<Child> = (1..=WRITERS).map(|w| spawn_writer(&url, &db, w, COMMANDS)).collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    let store = store(&db);
    let mut seen = BTreeSet::new();
    for n in 0..STREAMS {
        let commits = store.load(account(n).stream_id(), 0).unwrap();
        assert!(commits.iter().zip(1..).all(|(c, v)| c.version == v), "stream {n}: a gap or a reordering");
        for c in &commits {
            assert!(seen.insert(c.command.id), "command {} stored twice", c.command.id);
        }
        // Each writer's commands to a stream are in the order the writer sent them.
        for w in 1..=WRITERS {
            let mine: Vec<u128> = commits
                .iter()
                .map(|c| c.command.id.as_uuid().as_u128())
                .filter(|id| id >> 64 == u128::from(w))
                .collect();
            assert!(mine.windows(2).all(|p| p[0] < p[1]), "writer {w} reordered in stream {n}");
        }
        let state = store.load_state(account(n)).unwrap();
        assert_eq!(state.points_available(), Points::new(commits.len() as i64));
        assert_eq!(state, customer_care::stream::replay(account(n), &commits).unwrap());
        let due = store.due(jan(1_000), 100).unwrap();
        assert_eq!(due.iter().find(|d| d.stream == state.stream_id()).map(|d| d.due_at), state.next_deadline());
    }
    assert_eq!(seen.len() as u64, WRITERS * COMMANDS, "commands lost");
    assert_eq!(db.count("outbox").unwrap(), WRITERS * COMMANDS * EFFECTS as u64);
}
