//! A conformance kit for storage adapters: run [`check_store`] in your test suite against your own
//! [`CommitStore`] (or [`check_async_store`] against an [`AsyncCommitStore`]) to check the guarantees the host
//! loop relies on.
//!
//! The checks drive real [`Customer`] streams through the adapter:
//!
//! | check | what must hold |
//! |---|---|
//! | `append_then_load` | commits load back exactly as appended, in order, and `after_version` skips |
//! | `same_version_race` | of two writers deciding from the same version, exactly one append wins; the loser reloads, decides again and wins next |
//! | `duplicate_command_id` | a command id already in the stream is refused with the stored version, also after the aggregate's own idempotency window forgot it |
//! | `atomic_batch` | a batch with one bad commit stores nothing |
//! | `crash_between_append_and_apply` | a host that dies after appending and before applying recovers the same state by replay |
//! | `snapshot_plus_tail` | a snapshot (through your codec) plus the commits after it equals the full replay |
//!
//! ```
//! use customer_care::host::{MemoryStore, conformance};
//!
//! let passed = conformance::check_store(MemoryStore::default, |c| Ok(c.clone()))?;
//! assert_eq!(passed.len(), 6);
//! # Ok::<(), conformance::ConformanceFailure>(())
//! ```

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::async_store::{AsyncCommitStore, Blocking, block_on_ready};
use super::{AppendError, CommitStore, Host, Outcome};
use crate::customer::{Customer, CustomerCommand, CustomerEvent, Purchase};
use crate::id::{CommandId, CustomerId, OrderId};
use crate::money::Money;
use crate::stream::{Command, Commit, IDEMPOTENCY_WINDOW, replay};

type CustomerCommit = Commit<CustomerCommand, CustomerEvent>;

/// A failed check: which one, and what was seen.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("conformance check {check} failed: {detail}")]
pub struct ConformanceFailure {
    /// The check's name.
    pub check: &'static str,
    /// What went wrong.
    pub detail: String,
}

fn fail(check: &'static str, detail: impl Into<String>) -> ConformanceFailure {
    ConformanceFailure { check, detail: detail.into() }
}

fn ensure(check: &'static str, ok: bool, detail: impl FnOnce() -> String) -> Result<(), ConformanceFailure> {
    if ok { Ok(()) } else { Err(fail(check, detail())) }
}

/// A fixed workload: a customer stream and its commands.
struct Workload {
    customer: CustomerId,
    t0: DateTime<Utc>,
}

impl Workload {
    fn new(n: u128) -> Result<Self, ConformanceFailure> {
        let customer = CustomerId::from_u128(0x00C0_FFEE_0000 + n).map_err(|e| fail("setup", e.to_string()))?;
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).single().ok_or_else(|| fail("setup", "bad instant"))?;
        Ok(Self { customer, t0 })
    }

    fn stream(&self) -> Uuid {
        self.customer.as_uuid()
    }

    /// `n` minutes after `t0` (the scenarios use a handful; held at the end of time rather than overflowing).
    fn at(&self, n: u64) -> DateTime<Utc> {
        i64::try_from(n)
            .ok()
            .and_then(TimeDelta::try_minutes)
            .and_then(|d| self.t0.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn id(&self, n: u64) -> Result<CommandId, ConformanceFailure> {
        CommandId::from_u128((self.stream().as_u128() << 20) ^ u128::from(n) ^ 1)
            .map_err(|e| fail("setup", e.to_string()))
    }

    fn register(&self) -> Result<Command<CustomerCommand>, ConformanceFailure> {
        Ok(Command::new(
            self.id(0)?,
            self.t0,
            CustomerCommand::Register { profile: Default::default(), registered_at: None },
        ))
    }

    fn purchase(&self, n: u64) -> Result<Command<CustomerCommand>, ConformanceFailure> {
        let order = OrderId::new(&format!("CONF-{n}")).map_err(|e| fail("setup", e.to_string()))?;
        let amount = Money::from_minor(1_000 + i64::try_from(n).unwrap_or(0), crate::money::Currency::VND);
        let at = self.at(n);
        Ok(Command::new(self.id(n)?, at, CustomerCommand::RecordPurchase(Purchase::new(order, amount, at))))
    }

    fn fresh(&self) -> Customer {
        Customer::new(self.customer)
    }
}

fn decide(
    state: &Customer,
    command: &Command<CustomerCommand>,
    check: &'static str,
) -> Result<CustomerCommit, ConformanceFailure> {
    state
        .decide(command)
        .map_err(|e| fail(check, format!("workload command rejected: {e}")))?
        .accepted()
        .ok_or_else(|| fail(check, "workload command was a duplicate"))
}

async fn load<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &S,
    w: &Workload,
    after: u64,
    check: &'static str,
) -> Result<Vec<CustomerCommit>, ConformanceFailure> {
    store.load(w.stream(), after).await.map_err(|e| fail(check, format!("load failed: {e:?}")))
}

async fn append<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
    w: &Workload,
    expected: u64,
    commits: &[CustomerCommit],
    check: &'static str,
) -> Result<(), ConformanceFailure> {
    store.append(w.stream(), expected, commits).await.map_err(|e| fail(check, format!("append failed: {e:?}")))
}

/// Runs every check against fresh stores from `new_store`; `snapshot` is the host's snapshot codec (serialize,
/// then deserialize). Returns the names of the checks that passed.
///
/// # Errors
///
/// The first failed check.
pub fn check_store<S, F>(
    mut new_store: F,
    snapshot: impl Fn(&Customer) -> Result<Customer, String>,
) -> Result<Vec<&'static str>, ConformanceFailure>
where
    S: CommitStore<CustomerCommand, CustomerEvent>,
    F: FnMut() -> S,
{
    // The async checks over the blocking store: every future is ready when first polled.
    block_on_ready(check_async_store(async || Blocking(new_store()), snapshot))
}

/// [`check_store`] for an [`AsyncCommitStore`]: the same checks, each store call awaited, on the caller's
/// runtime. `new_store` makes a fresh store (connects, say).
///
/// # Errors
///
/// The first failed check.
pub async fn check_async_store<S, F>(
    mut new_store: F,
    snapshot: impl Fn(&Customer) -> Result<Customer, String>,
) -> Result<Vec<&'static str>, ConformanceFailure>
where
    S: AsyncCommitStore<CustomerCommand, CustomerEvent>,
    F: AsyncFnMut() -> S,
{
    append_then_load(&mut new_store().await).await?;
    same_version_race(&mut new_store().await).await?;
    duplicate_command_id(&mut new_store().await).await?;
    atomic_batch(&mut new_store().await).await?;
    crash_between_append_and_apply(&mut new_store().await).await?;
    snapshot_plus_tail(&mut new_store().await, &snapshot).await?;
    Ok(vec![
        "append_then_load",
        "same_version_race",
        "duplicate_command_id",
        "atomic_batch",
        "crash_between_append_and_apply",
        "snapshot_plus_tail",
    ])
}

/// Appends a registration and `n` purchases one commit at a time; returns the live state and the commits.
async fn fill<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
    w: &Workload,
    n: u64,
    check: &'static str,
) -> Result<(Customer, Vec<CustomerCommit>), ConformanceFailure> {
    let mut state = w.fresh();
    let mut commits = Vec::new();
    for k in 0..=n {
        let command = if k == 0 { w.register()? } else { w.purchase(k)? };
        let commit = decide(&state, &command, check)?;
        append(store, w, state.version(), std::slice::from_ref(&commit), check).await?;
        state.apply(&commit);
        commits.push(commit);
    }
    Ok((state, commits))
}

async fn append_then_load<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "append_then_load";
    let w = Workload::new(1)?;
    let other = Workload::new(2)?;
    let (_, commits) = fill(store, &w, 3, CHECK).await?;
    fill(store, &other, 1, CHECK).await?;
    let loaded = load(store, &w, 0, CHECK).await?;
    ensure(CHECK, loaded == commits, || {
        format!("loaded {} commits that differ from the {} appended", loaded.len(), commits.len())
    })?;
    let tail = load(store, &w, 2, CHECK).await?;
    ensure(CHECK, tail == commits[2..], || {
        format!("load after version 2 returned {} commits, expected 2", tail.len())
    })?;
    let none = load(store, &Workload::new(3)?, 0, CHECK).await?;
    ensure(CHECK, none.is_empty(), || "an unknown stream is not empty".into())
}

async fn same_version_race<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "same_version_race";
    let w = Workload::new(4)?;
    let (state, _) = fill(store, &w, 1, CHECK).await?;
    // Two writers decide from the same version.
    let a = decide(&state, &w.purchase(10)?, CHECK)?;
    let b = decide(&state, &w.purchase(11)?, CHECK)?;
    append(store, &w, state.version(), std::slice::from_ref(&a), CHECK).await?;
    match store.append(w.stream(), state.version(), std::slice::from_ref(&b)).await {
        Err(AppendError::VersionConflict { expected, actual, .. }) => {
            ensure(CHECK, expected == 2 && actual == 3, || {
                format!("conflict reported expected {expected}, actual {actual}; wanted 2 and 3")
            })?
        }
        other => return Err(fail(CHECK, format!("the second append from version 2 was not a conflict: {other:?}"))),
    }
    // The loser reloads and wins with a fresh decision, through the host loop.
    let mut host = Host::new(&mut *store, || w.at(20));
    let submitted = host
        .submit_command_async(&mut w.fresh(), &(), w.purchase(11)?)
        .await
        .map_err(|e| fail(CHECK, format!("retry failed: {e}")))?;
    ensure(CHECK, matches!(submitted.outcome, Outcome::Committed(ref c) if c.version == 4), || {
        format!("retry outcome {:?}", submitted.outcome)
    })
}

async fn duplicate_command_id<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "duplicate_command_id";
    let w = Workload::new(5)?;
    // More commits than the aggregate remembers, so only the store's unique index can catch the first one.
    let n = IDEMPOTENCY_WINDOW as u64 + 5;
    let (state, commits) = fill(store, &w, n, CHECK).await?;
    let mut again = commits[1].clone();
    again.version = state.version() + 1;
    match store.append(w.stream(), state.version(), std::slice::from_ref(&again)).await {
        Err(AppendError::DuplicateCommand { version, .. }) => {
            ensure(CHECK, version == 2, || format!("duplicate reported at version {version}, stored at 2"))?;
        }
        other => return Err(fail(CHECK, format!("re-appending command id of version 2 was not refused: {other:?}"))),
    }
    let found = store
        .find_command(w.stream(), commits[1].command.id)
        .await
        .map_err(|e| fail(CHECK, format!("find_command failed: {e:?}")))?;
    ensure(CHECK, found.as_ref() == Some(&commits[1]), || "find_command did not return the stored commit".into())?;
    let missing = store
        .find_command(w.stream(), w.id(9_999)?)
        .await
        .map_err(|e| fail(CHECK, format!("find_command failed: {e:?}")))?;
    ensure(CHECK, missing.is_none(), || "find_command found a command that was never stored".into())?;
    let retry = commits[1].command.clone();
    let mut host = Host::new(&mut *store, || w.at(n + 1));
    let submitted = host
        .submit_async(&mut w.fresh(), &(), retry.id, retry.body)
        .await
        .map_err(|e| fail(CHECK, format!("submit failed: {e}")))?;
    ensure(CHECK, submitted.outcome == Outcome::Duplicate(commits[1].clone()), || {
        format!("a retry beyond the idempotency window gave {:?}", submitted.outcome)
    })?;
    // The same id with another body is an error, not a duplicate.
    let other = w.purchase(n + 7)?;
    let outcome = host.submit_async(&mut w.fresh(), &(), commits[1].command.id, other.body).await;
    ensure(CHECK, outcome.is_err(), || format!("a reused id with another body gave {:?}", outcome.map(|s| s.outcome)))?;
    let stored = load(store, &w, 0, CHECK).await?.len() as u64;
    ensure(CHECK, stored == n + 1, || format!("{stored} commits stored, expected {}", n + 1))
}

async fn atomic_batch<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "atomic_batch";
    let w = Workload::new(6)?;
    let (state, commits) = fill(store, &w, 1, CHECK).await?;
    let good = decide(&state, &w.purchase(30)?, CHECK)?;
    let mut bad = commits[0].clone();
    bad.version = good.version + 1;
    if store.append(w.stream(), state.version(), &[good, bad]).await.is_ok() {
        return Err(fail(CHECK, "a batch reusing a stored command id was accepted"));
    }
    let stored = load(store, &w, 0, CHECK).await?;
    ensure(CHECK, stored == commits, || {
        format!("a refused batch left {} commits, expected {}", stored.len(), commits.len())
    })
}

async fn crash_between_append_and_apply<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "crash_between_append_and_apply";
    let w = Workload::new(7)?;
    let (state, _) = fill(store, &w, 2, CHECK).await?;
    let commit = decide(&state, &w.purchase(40)?, CHECK)?;
    append(store, &w, state.version(), std::slice::from_ref(&commit), CHECK).await?;
    let mut expected = state;
    expected.apply(&commit);
    // The host died here: its in-memory state is gone. Recovery is a replay.
    let recovered = replay(w.fresh(), &load(store, &w, 0, CHECK).await?).map_err(|e| fail(CHECK, e.to_string()))?;
    ensure(CHECK, recovered == expected, || {
        "replay after the crash differs from the state the host would have applied".into()
    })
}

async fn snapshot_plus_tail<S: AsyncCommitStore<CustomerCommand, CustomerEvent>>(
    store: &mut S,
    snapshot: &impl Fn(&Customer) -> Result<Customer, String>,
) -> Result<(), ConformanceFailure> {
    const CHECK: &str = "snapshot_plus_tail";
    let w = Workload::new(8)?;
    let (live, commits) = fill(store, &w, 6, CHECK).await?;
    let head = replay(w.fresh(), &commits[..4]).map_err(|e| fail(CHECK, e.to_string()))?;
    let restored = snapshot(&head).map_err(|e| fail(CHECK, format!("snapshot codec failed: {e}")))?;
    ensure(CHECK, restored == head, || {
        format!("the snapshot codec changed the state (version {} came back as {})", head.version(), restored.version())
    })?;
    let tail = load(store, &w, restored.version(), CHECK).await?;
    let resumed = replay(restored, &tail).map_err(|e| fail(CHECK, e.to_string()))?;
    ensure(CHECK, resumed == live, || "snapshot + tail differs from the full replay".into())
}
