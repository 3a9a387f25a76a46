//! The async adapter (`AsyncDatabase`, feature `tokio`) against the server: the async conformance kit through
//! `Host::submit_async`; a scheduler and an outbox driven with `submit_async`, `AsyncStore::due` and
//! `AsyncOutbox::drain`; and every shared scenario (outbox, deadlines, errors) over the async engine, each call
//! awaited on a tokio runtime.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use customer_care::host::conformance::check_async_store;
use customer_care::host::{AppendError, Host, ManualClock, Outcome};
use customer_care::wire::Upcast;
use customer_care::{Aggregate, CommandId, Commit, Customer, CustomerId, PointsAccount, PointsCommand, PointsEvent};
use customer_care_postgres::{AsyncDatabase, RowError, StoreError};
use customer_care_storage::testkit::{Harness, account, bonus, jan, points_store, program};
use customer_care_storage::{AsyncEngine, AsyncOutbox, AsyncStore, Engine, Options, OutboxEntry, OutboxKey};
use tokio::runtime::Runtime;
use uuid::Uuid;

use crate::common::server;

fn runtime() -> Arc<Runtime> {
    Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// A schema of its own (unique per process and call), reached over the async driver and migrated.
async fn connect(url: &str) -> AsyncDatabase {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let schema = format!("a{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    AsyncDatabase::connect_in_schema(url, &schema).await.unwrap()
}

fn codec(c: &Customer) -> Result<Customer, String> {
    serde_json::to_string(c).and_then(|json| serde_json::from_str(&json)).map_err(|e| e.to_string())
}

#[test]
fn the_async_store_passes_the_async_kit() {
    let Some(url) = server() else { return };
    runtime().block_on(async {
        let plain = check_async_store(async || connect(&url).await.store::<Customer>("customer"), codec).await;
        assert_eq!(plain.unwrap().len(), 6);
        let tracked = async || {
            connect(&url)
                .await
                .store::<Customer>("customer")
                .with_deadlines(|id| CustomerId::new(id).ok().map(Customer::new), |_| None)
                .snapshot_every(2)
                .cache_limit(1)
        };
        assert_eq!(check_async_store(tracked, codec).await.unwrap().len(), 6);
    });
}

fn receipt(commit: &Commit<PointsCommand, PointsEvent>) -> Vec<serde_json::Value> {
    match &commit.command.body {
        PointsCommand::AwardBonus { points, .. } => vec![serde_json::json!({ "receipt": points.get() })],
        _ => Vec::new(),
    }
}

#[test]
fn an_async_scheduler_expires_points_and_an_async_deliverer_drains_the_outbox() {
    const ACCOUNTS: u64 = 300;
    let Some(url) = server() else { return };
    runtime().block_on(async {
        let db = connect(&url).await;
        let store = points_store(&db).with_effects(receipt).snapshot_every(4);
        let mut host = Host::new(store, ManualClock::new(jan(1)));
        let program = program();
        let mut accounts = BTreeMap::new();
        let mut next = 0u128;
        for n in 0..ACCOUNTS {
            host.clock_mut().set(jan(1 + (n % 28) as i64));
            let mut state = account(n);
            next += 1;
            let id = CommandId::from_u128(next).unwrap();
            host.submit_async(&mut state, &program, id, bonus(10)).await.unwrap();
            accounts.insert(state.stream_id(), state);
        }
        // The deliverer: every receipt once, in order, then nothing pending; a month later the done rows go.
        let outbox = db.outbox();
        let mut delivered = Vec::new();
        let drained = outbox
            .drain(1_000, jan(2), async |e: &OutboxEntry| {
                delivered.push(e.key.clone());
                Ok::<(), String>(())
            })
            .await
            .unwrap();
        assert_eq!(drained.delivered as u64, ACCOUNTS);
        assert_eq!(AsyncOutbox::pending_count(&outbox).await.unwrap(), 0);
        assert_eq!(outbox.delete_done(jan(40)).await.unwrap(), ACCOUNTS);
        assert_eq!(db.count("outbox").await.unwrap(), 0);
        // The scheduler: every morning, what is due, woken once each.
        let first = accounts.values().filter_map(PointsAccount::next_deadline).min();
        assert_eq!(host.store().next_due().await.unwrap(), first);
        let mut woken = 0u64;
        for day in 29..=70 {
            let now = jan(day);
            host.clock_mut().set(now);
            for d in host.store().due(now, 10_000).await.unwrap() {
                let state = accounts.get_mut(&d.stream).unwrap();
                assert_eq!((state.version(), state.next_deadline().is_some_and(|t| t <= now)), (d.version, true));
                next += 1;
                let id = CommandId::from_u128(next).unwrap();
                let done = host.submit_async(state, &program, id, PointsCommand::ProcessDue).await.unwrap();
                assert!(matches!(done.outcome, Outcome::Committed(_)));
                woken += 1;
            }
        }
        assert_eq!(woken, ACCOUNTS);
        assert_eq!(host.store().next_due().await.unwrap(), None);
        for state in accounts.values().take(20) {
            let fresh = PointsAccount::new(customer_care::AccountId::new(state.stream_id()).unwrap());
            assert_eq!(&host.store().load_state(fresh).await.unwrap(), state);
        }
        // A refused append (a version conflict) writes nothing.
        let (stream, state) = accounts.iter().next().unwrap();
        let stale = account(0)
            .decide(
                &program,
                &customer_care::stream::Command::new(CommandId::from_u128(next + 1).unwrap(), jan(71), bonus(1)),
            )
            .unwrap()
            .accepted()
            .unwrap();
        let refused =
            customer_care::host::async_store::AsyncCommitStore::append(host.store_mut(), *stream, 0, &[stale]).await;
        assert!(matches!(refused, Err(AppendError::VersionConflict { actual, .. }) if actual == state.version()));
        assert_eq!(db.count("outbox").await.unwrap(), 0);
    });
}

/// The async engine behind the blocking `Engine` the shared scenarios drive: every call awaited on a runtime.
#[derive(Clone)]
struct Awaited {
    db: AsyncDatabase,
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for Awaited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.db.fmt(f)
    }
}

impl Engine for Awaited {
    type Error = StoreError;

    fn version(&self, kind: &str, stream: Uuid) -> Result<u64, StoreError> {
        self.runtime.block_on(AsyncEngine::version(&self.db, kind, stream))
    }

    fn read_commits<A: Aggregate<Command: serde::de::DeserializeOwned, Event: serde::de::DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        after: u64,
    ) -> Result<Vec<Commit<A::Command, A::Event>>, StoreError> {
        self.runtime.block_on(self.db.read_commits::<A>(kind, stream, after))
    }

    fn find_command<A: Aggregate<Command: serde::de::DeserializeOwned, Event: serde::de::DeserializeOwned> + Upcast>(
        &self,
        kind: &str,
        stream: Uuid,
        command_id: CommandId,
    ) -> Result<Option<Commit<A::Command, A::Event>>, StoreError> {
        self.runtime.block_on(self.db.find_command::<A>(kind, stream, command_id))
    }

    fn append<A: Aggregate + Upcast + serde::Serialize + serde::de::DeserializeOwned>(
        &self,
        kind: &'static str,
        options: &mut Options<A>,
        stream: Uuid,
        expected: u64,
        commits: &[Commit<A::Command, A::Event>],
    ) -> Result<Result<(), AppendError<StoreError>>, StoreError>
    where
        A::Command: serde::Serialize + serde::de::DeserializeOwned,
        A::Event: serde::Serialize + serde::de::DeserializeOwned,
    {
        self.runtime.block_on(self.db.append(kind, options, stream, expected, commits))
    }

    fn save_snapshot<A: Aggregate + serde::Serialize>(&self, kind: &str, state: &A) -> Result<(), StoreError> {
        self.runtime.block_on(AsyncEngine::save_snapshot(&self.db, kind, state))
    }

    fn load_snapshot<A: Aggregate + Upcast + serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        stream: Uuid,
    ) -> Result<Option<A>, StoreError> {
        self.runtime.block_on(AsyncEngine::load_snapshot(&self.db, kind, stream))
    }

    fn due_rows(&self, kind: &str, until: i64, limit: i64) -> Result<Vec<(Uuid, i64, i64)>, StoreError> {
        self.runtime.block_on(self.db.due_rows(kind, until, limit))
    }

    fn min_due(&self, kind: &str) -> Result<Option<i64>, StoreError> {
        self.runtime.block_on(self.db.min_due(kind))
    }

    fn scalar(&self, sql: &'static str) -> Result<i64, StoreError> {
        self.runtime.block_on(self.db.scalar(sql))
    }

    fn pending(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        self.runtime.block_on(AsyncEngine::pending(&self.db, limit))
    }

    fn mark_done(&self, key: &OutboxKey, at: i64) -> Result<bool, StoreError> {
        self.runtime.block_on(AsyncEngine::mark_done(&self.db, key, at))
    }

    fn delete_done(&self, before: i64) -> Result<u64, StoreError> {
        self.runtime.block_on(AsyncEngine::delete_done(&self.db, before))
    }
}

/// The shared scenarios over the async engine.
struct AsyncServer {
    url: String,
    runtime: Arc<Runtime>,
}

impl Harness for AsyncServer {
    type Db = Awaited;

    fn open(&self) -> Awaited {
        Awaited { db: self.runtime.block_on(connect(&self.url)), runtime: Arc::clone(&self.runtime) }
    }

    fn reconnect(&self, db: &Awaited) -> Awaited {
        let schema: String = self
            .runtime
            .block_on(async { db.db.client().await.query_one("SELECT current_schema()", &[]).await.unwrap().get(0) });
        let again = self.runtime.block_on(AsyncDatabase::connect_in_schema(&self.url, &schema)).unwrap();
        Awaited { db: again, runtime: Arc::clone(&self.runtime) }
    }

    fn execute(&self, db: &Awaited, sql: &str) {
        self.runtime.block_on(async { db.db.client().await.batch_execute(sql).await.unwrap() });
    }

    fn is_constraint(&self, error: &StoreError) -> bool {
        matches!(error, StoreError::Constraint(_))
    }

    fn row_error<'e>(&self, error: &'e StoreError) -> Option<&'e RowError> {
        if let StoreError::Row(row) = error { Some(row) } else { None }
    }
}

customer_care_storage::scenarios!(server().map(|url| AsyncServer { url, runtime: runtime() }));
