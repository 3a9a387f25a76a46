//! The host side, without the I/O: the storage contract a host implements, the host loop written once ([`Host`]),
//! an in-memory reference store, and a [`conformance`] kit a host runs against its own adapter.
//!
//! The crate never touches storage or clocks. A host stores each aggregate's commits in an append-only stream (a
//! table with a unique `(stream, version)` and a unique `(stream, command id)`), and implements [`CommitStore`]
//! over it. A [`Host`] holds that store, the host's [`Clock`] and a [`RetryPolicy`], and runs the loop every host
//! needs: load → stamp `issued_at` → decide → append with the expected version → apply; on a version conflict,
//! reload and decide again; on a duplicate, answer with the stored commit.
//!
//! The stream is the aggregate's own id ([`Aggregate::stream_id`]): a host passes the aggregate, never a raw id, so
//! a customer's commits cannot land in a points account's stream.
//!
//! ```
//! use customer_care::customer::{Customer, CustomerCommand, NewProfile};
//! use customer_care::host::{Host, ManualClock, MemoryStore, Outcome};
//! use customer_care::{CommandId, CustomerId};
//! use chrono::{TimeZone, Utc};
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().ok_or("no such instant")?;
//! let mut host = Host::new(MemoryStore::default(), ManualClock::new(now));
//!
//! let mut lan = Customer::new(CustomerId::from_u128(1)?);
//! let register = CustomerCommand::Register { profile: NewProfile::default().full_name("Lan")?.build(), registered_at: None };
//! let first = host.submit(&mut lan, &(), CommandId::from_u128(10)?, register.clone())?;
//! assert!(matches!(first.outcome, Outcome::Committed(ref c) if c.version == 1 && c.command.issued_at == now));
//! // A retry of the same command id is answered with the stored commit, so the caller can reprint its receipt.
//! let again = host.submit(&mut lan, &(), CommandId::from_u128(10)?, register)?;
//! assert_eq!(again.outcome, Outcome::Duplicate(first.commit().clone()));
//! assert_eq!(lan.version(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod async_store;
pub mod conformance;

use std::any::{Any, TypeId};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;
use std::num::NonZeroU32;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::id::CommandId;
use crate::stream::{Aggregate, Commit};

/// Why an append was refused.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AppendError<S> {
    /// The stream is not at the expected version: another writer appended first.
    #[error("version conflict on stream {stream}: expected version {expected}, found {actual}")]
    VersionConflict {
        /// The stream.
        stream: Uuid,
        /// The version the writer decided from.
        expected: u64,
        /// The stream's version.
        actual: u64,
    },
    /// A command id already stored in the stream (the unique `(stream, command id)` index).
    #[error("command {command_id} is already stored in stream {stream} at version {version}")]
    DuplicateCommand {
        /// The stream.
        stream: Uuid,
        /// The command id.
        command_id: CommandId,
        /// The version of the stored commit.
        version: u64,
    },
    /// The store itself failed (disk, network, ...).
    #[error("store error: {0}")]
    Store(S),
}

/// What a host's storage adapter provides: append-only streams of commits.
///
/// **Contract** (checked by [`conformance::check_store`]):
/// - `append` is atomic: all of `commits` are stored, or none.
/// - `append` fails with [`AppendError::VersionConflict`] unless the stream's version is `expected_version`;
///   of two writers appending from the same version, exactly one wins.
/// - `append` fails with [`AppendError::DuplicateCommand`] when a commit's command id is already in the stream.
/// - `load` returns the commits after `after_version`, in version order, exactly as appended.
/// - `find_command` returns the stored commit that holds a command id (the lookup behind the unique index).
///
/// Streams are keyed by [`Aggregate::stream_id`], unique within one aggregate type: keep one table per type, or
/// key a shared table by type and stream.
pub trait CommitStore<C, E> {
    /// The adapter's own failure type ([`Infallible`] for a store that cannot fail).
    type Error: std::error::Error;

    /// The commits of `stream` with a version greater than `after_version`, in order.
    ///
    /// # Errors
    ///
    /// The adapter's failure.
    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error>;

    /// Appends `commits` atomically if the stream is at `expected_version`.
    ///
    /// # Errors
    ///
    /// [`AppendError`] as the contract says.
    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Self::Error>>;

    /// The stored commit of `stream` whose command has id `command_id`, if any.
    ///
    /// # Errors
    ///
    /// The adapter's failure.
    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error>;
}

/// A borrowed store is a store: `Host::new(&mut store, clock)` runs the loop on a store the caller keeps.
impl<C, E, T: CommitStore<C, E> + ?Sized> CommitStore<C, E> for &mut T {
    type Error = T::Error;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error> {
        (**self).load(stream, after_version)
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Self::Error>> {
        (**self).append(stream, expected_version, commits)
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error> {
        (**self).find_command(stream, command_id)
    }
}

/// Where a [`Host`] reads the time: the crate itself never does.
///
/// Any `FnMut() -> DateTime<Utc>` is a clock, so a production host passes `Utc::now` (with chrono's `clock`
/// feature in its own build), and tests pass a [`ManualClock`] or a closure.
///
/// ```
/// use customer_care::host::Clock;
/// use chrono::{DateTime, Utc};
///
/// let mut fixed = || DateTime::<Utc>::UNIX_EPOCH;
/// assert_eq!(fixed.now(), DateTime::UNIX_EPOCH);
/// ```
pub trait Clock {
    /// The current instant.
    fn now(&mut self) -> DateTime<Utc>;
}

impl<F: FnMut() -> DateTime<Utc>> Clock for F {
    fn now(&mut self) -> DateTime<Utc> {
        self()
    }
}

/// A clock that shows what it was set to: for tests, simulations and replaying a recorded day.
///
/// ```
/// use customer_care::host::{Clock, ManualClock};
/// use chrono::{DateTime, TimeDelta};
///
/// let mut clock = ManualClock::new(DateTime::UNIX_EPOCH);
/// clock.advance(TimeDelta::hours(2));
/// assert_eq!(clock.now(), DateTime::UNIX_EPOCH + TimeDelta::hours(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManualClock {
    now: DateTime<Utc>,
}

impl ManualClock {
    /// A clock showing `now`.
    pub const fn new(now: DateTime<Utc>) -> Self {
        Self { now }
    }

    /// Sets the time (backwards too: the host loop still never stamps a command before its stream's last one).
    pub const fn set(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    /// Moves the time by `by`, stopping at the ends of chrono's range.
    pub fn advance(&mut self, by: TimeDelta) {
        let end = if by < TimeDelta::zero() { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC };
        self.now = self.now.checked_add_signed(by).unwrap_or(end);
    }

    /// The time shown.
    pub const fn get(&self) -> DateTime<Utc> {
        self.now
    }
}

impl Clock for ManualClock {
    fn now(&mut self) -> DateTime<Utc> {
        self.now
    }
}

/// How many decide → append rounds a [`Host`] tries before giving up on version conflicts.
///
/// ```
/// use customer_care::host::RetryPolicy;
///
/// assert_eq!(RetryPolicy::default().max_attempts(), 3);
/// assert_eq!(RetryPolicy::attempts(0).max_attempts(), 1); // one attempt is always made
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_attempts: NonZeroU32,
}

impl RetryPolicy {
    /// Up to `max_attempts` rounds (at least one).
    pub const fn attempts(max_attempts: u32) -> Self {
        match NonZeroU32::new(max_attempts) {
            Some(max_attempts) => Self { max_attempts },
            None => Self { max_attempts: NonZeroU32::MIN },
        }
    }

    /// The most rounds tried.
    pub const fn max_attempts(self) -> u32 {
        self.max_attempts.get()
    }
}

impl Default for RetryPolicy {
    /// Three attempts: enough for the occasional race between two writers of one stream.
    fn default() -> Self {
        Self::attempts(3)
    }
}

/// The answer the host gives its caller: the commit either way.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<C, E> {
    /// The command was committed now.
    Committed(Commit<C, E>),
    /// The same command (same id, same body) had been committed before: the stored commit, with its events (which
    /// lots a debit used, the receipt) exactly as first decided.
    Duplicate(Commit<C, E>),
}

impl<C, E> Outcome<C, E> {
    /// The commit, new or stored.
    pub const fn commit(&self) -> &Commit<C, E> {
        match self {
            Self::Committed(commit) | Self::Duplicate(commit) => commit,
        }
    }

    /// The commit, new or stored.
    pub fn into_commit(self) -> Commit<C, E> {
        match self {
            Self::Committed(commit) | Self::Duplicate(commit) => commit,
        }
    }

    /// Whether the command had been committed before.
    pub const fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate(_))
    }
}

/// A submitted command: the outcome and how many rounds it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Submitted<A: Aggregate> {
    /// What happened.
    pub outcome: Outcome<A::Command, A::Event>,
    /// How many decide → append rounds it took (more than 1 after version conflicts).
    pub attempts: u32,
}

impl<A: Aggregate> Submitted<A> {
    /// The commit, new or stored.
    pub const fn commit(&self) -> &Commit<A::Command, A::Event> {
        self.outcome.commit()
    }

    /// The commit's events, new or stored.
    pub fn events(&self) -> &[A::Event] {
        &self.outcome.commit().events
    }
}

/// Why [`Host::submit`] gave up.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError<D, S> {
    /// The aggregate rejected the command.
    #[error("rejected: {0}")]
    Rejected(D),
    /// Every attempt lost a version race.
    #[error("gave up after {attempts} version conflicts")]
    TooManyConflicts {
        /// Attempts made.
        attempts: u32,
    },
    /// The aggregate or the store says the command was committed at `version`, but the store returns no such
    /// commit: the store breaks its contract ([`conformance::check_store`] finds out which part).
    #[error(
        "command {command_id} is recorded at version {version} of stream {stream}, but the store has no such commit"
    )]
    MissingCommit {
        /// The stream.
        stream: Uuid,
        /// The command.
        command_id: CommandId,
        /// The version it is recorded at.
        version: u64,
    },
    /// The store failed.
    #[error("store error: {0}")]
    Store(S),
}

/// The result of [`Host::submit`].
pub type SubmitResult<A, S> = Result<
    Submitted<A>,
    SubmitError<<A as Aggregate>::Error, <S as CommitStore<<A as Aggregate>::Command, <A as Aggregate>::Event>>::Error>,
>;

/// The host loop in one value: the host's store, its clock and its retry policy.
///
/// - [`submit`](Self::submit) takes a command id and body; the host stamps `issued_at` from its clock.
/// - [`submit_command`](Self::submit_command) takes a whole [`Command`](crate::stream::Command) and keeps its
///   `issued_at`.
/// - [`load`](Self::load) brings an aggregate (new, snapshot or cached) up to the end of its stream.
///
/// One host serves every aggregate type its store holds ([`MemoryStore`] holds them all).
///
/// ```
/// # use customer_care::host::{Host, MemoryStore, RetryPolicy};
/// # use chrono::{DateTime, Utc};
/// let host = Host::new(MemoryStore::default(), || DateTime::<Utc>::UNIX_EPOCH).with_retry(RetryPolicy::attempts(5));
/// ```
#[derive(Clone, Debug)]
pub struct Host<S, K> {
    store: S,
    clock: K,
    retry: RetryPolicy,
}

impl<S, K: Clock> Host<S, K> {
    /// A host over `store`, reading time from `clock`, retrying as [`RetryPolicy::default`] says.
    pub fn new(store: S, clock: K) -> Self {
        Self { store, clock, retry: RetryPolicy::default() }
    }

    /// The same host with another retry policy.
    #[must_use]
    pub const fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The store.
    pub const fn store(&self) -> &S {
        &self.store
    }

    /// The store, to write snapshots or read the outbox beside the loop.
    pub const fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The clock (to set a [`ManualClock`]).
    pub const fn clock_mut(&mut self) -> &mut K {
        &mut self.clock
    }

    /// The retry policy.
    pub const fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// The store, giving up the host.
    pub fn into_store(self) -> S {
        self.store
    }

    /// `initial` (a new aggregate, a snapshot or a cached state) with the commits stored after its version
    /// applied.
    ///
    /// # Errors
    ///
    /// The store's failure.
    pub fn load<A>(&self, initial: A) -> Result<A, S::Error>
    where
        A: Aggregate,
        S: CommitStore<A::Command, A::Event>,
    {
        let mut state = initial;
        catch_up(&self.store, &mut state)?;
        Ok(state)
    }
}

/// Applies the commits stored after `state`'s version.
fn catch_up<A, S>(store: &S, state: &mut A) -> Result<(), S::Error>
where
    A: Aggregate,
    S: CommitStore<A::Command, A::Event>,
{
    for commit in store.load(state.stream_id(), state.version())? {
        state.apply(&commit);
    }
    Ok(())
}

/// An in-memory [`CommitStore`] for every aggregate type at once: the reference implementation the conformance
/// kit is checked against, and a store for tests and examples.
///
/// Streams are kept per commit type, so a customer and a points account with the same UUID never share one.
///
/// ```
/// use customer_care::host::{CommitStore, MemoryStore};
/// use customer_care::customer::{CustomerCommand, CustomerEvent};
/// use uuid::Uuid;
///
/// let store = MemoryStore::default();
/// assert!(CommitStore::<CustomerCommand, CustomerEvent>::load(&store, Uuid::nil(), 0)?.is_empty());
/// # Ok::<(), std::convert::Infallible>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    logs: BTreeMap<TypeId, Box<dyn AnyLog>>,
}

impl Clone for MemoryStore {
    fn clone(&self) -> Self {
        Self { logs: self.logs.iter().map(|(kind, log)| (*kind, log.clone_box())).collect() }
    }
}

/// The streams of one commit type.
#[derive(Clone, Debug)]
struct Log<C, E> {
    streams: BTreeMap<Uuid, Vec<Commit<C, E>>>,
    commands: BTreeMap<(Uuid, CommandId), u64>,
}

impl<C, E> Default for Log<C, E> {
    fn default() -> Self {
        Self { streams: BTreeMap::new(), commands: BTreeMap::new() }
    }
}

/// A [`Log`] of any commit type.
trait AnyLog: Any + fmt::Debug {
    fn clone_box(&self) -> Box<dyn AnyLog>;
}

impl<C: Clone + fmt::Debug + 'static, E: Clone + fmt::Debug + 'static> AnyLog for Log<C, E> {
    fn clone_box(&self) -> Box<dyn AnyLog> {
        Box::new(self.clone())
    }
}

impl MemoryStore {
    fn log<C: 'static, E: 'static>(&self) -> Option<&Log<C, E>> {
        let log: &dyn Any = &**self.logs.get(&TypeId::of::<Log<C, E>>())?;
        log.downcast_ref()
    }

    /// The streams of commit type `(C, E)` and their commits, by stream id.
    pub fn streams<C: 'static, E: 'static>(&self) -> impl Iterator<Item = (Uuid, &[Commit<C, E>])> {
        self.log::<C, E>().into_iter().flat_map(|log| log.streams.iter().map(|(id, commits)| (*id, commits.as_slice())))
    }
}

impl<C: Clone + fmt::Debug + 'static, E: Clone + fmt::Debug + 'static> CommitStore<C, E> for MemoryStore {
    type Error = Infallible;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        let log = self.log::<C, E>().and_then(|log| log.streams.get(&stream)).map_or(&[][..], Vec::as_slice);
        let skip = usize::try_from(after_version).unwrap_or(usize::MAX).min(log.len());
        Ok(log[skip..].to_vec())
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Infallible>> {
        let entry = self.logs.entry(TypeId::of::<Log<C, E>>()).or_insert_with(|| Box::new(Log::<C, E>::default()));
        let any: &mut dyn Any = &mut **entry;
        let Some(log) = any.downcast_mut::<Log<C, E>>() else {
            // Unreachable: the key is the log's own type.
            return Err(AppendError::VersionConflict { stream, expected: expected_version, actual: 0 });
        };
        let actual = log.streams.get(&stream).map_or(0, |commits| commits.len() as u64);
        if actual != expected_version {
            return Err(AppendError::VersionConflict { stream, expected: expected_version, actual });
        }
        for commit in commits {
            if let Some(&version) = log.commands.get(&(stream, commit.command.id)) {
                return Err(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version });
            }
        }
        for (offset, commit) in commits.iter().enumerate() {
            let next =
                u64::try_from(offset).ok().and_then(|o| o.checked_add(1)).and_then(|o| expected_version.checked_add(o));
            if Some(commit.version) != next {
                return Err(AppendError::VersionConflict { stream, expected: expected_version, actual });
            }
        }
        let commands = &mut log.commands;
        let stored = log.streams.entry(stream).or_default();
        for commit in commits {
            commands.insert((stream, commit.command.id), commit.version);
            stored.push(commit.clone());
        }
        Ok(())
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        let Some(log) = self.log::<C, E>() else { return Ok(None) };
        let Some(&version) = log.commands.get(&(stream, command_id)) else { return Ok(None) };
        let index = usize::try_from(version.saturating_sub(1)).unwrap_or(usize::MAX);
        Ok(log.streams.get(&stream).and_then(|commits| commits.get(index)).cloned())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use crate::stream::Command;

    use super::*;

    fn commit(version: u64, id: u128, body: i64) -> Commit<i64, i64> {
        let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        Commit { version, command: Command::new(CommandId::from_u128(id).unwrap(), at, body), events: vec![body] }
    }

    #[test]
    fn the_memory_store_keeps_each_commit_type_apart() {
        let mut store = MemoryStore::default();
        let stream = Uuid::from_u128(7);
        store.append(stream, 0, &[commit(1, 1, 10)]).unwrap();
        // Another commit type, same stream id and command id: its own stream.
        let other: Commit<u8, u8> = Commit {
            version: 1,
            command: Command::new(commit(1, 1, 0).command.id, commit(1, 1, 0).command.issued_at, 3),
            events: vec![],
        };
        store.append(stream, 0, std::slice::from_ref(&other)).unwrap();
        assert_eq!(CommitStore::<i64, i64>::load(&store, stream, 0).unwrap(), vec![commit(1, 1, 10)]);
        assert_eq!(CommitStore::<u8, u8>::load(&store, stream, 0).unwrap(), vec![other]);
        assert_eq!(store.streams::<i64, i64>().count(), 1);
        assert_eq!(store.streams::<u16, u16>().count(), 0);
        // A clone is a deep copy.
        let snapshot = store.clone();
        store.append(stream, 1, &[commit(2, 2, 20)]).unwrap();
        assert_eq!(CommitStore::<i64, i64>::load(&snapshot, stream, 0).unwrap().len(), 1);
        assert_eq!(CommitStore::<i64, i64>::load(&store, stream, 1).unwrap(), vec![commit(2, 2, 20)]);
    }

    #[test]
    fn the_memory_store_refuses_what_the_contract_refuses() {
        let mut store = MemoryStore::default();
        let stream = Uuid::from_u128(7);
        store.append(stream, 0, &[commit(1, 1, 10)]).unwrap();
        assert_eq!(
            store.append(stream, 0, &[commit(1, 2, 10)]),
            Err(AppendError::VersionConflict { stream, expected: 0, actual: 1 })
        );
        assert_eq!(
            store.append(stream, 1, &[commit(2, 1, 10)]),
            Err(AppendError::DuplicateCommand { stream, command_id: CommandId::from_u128(1).unwrap(), version: 1 })
        );
        // A batch whose versions do not follow is refused whole.
        assert!(store.append(stream, 1, &[commit(2, 2, 1), commit(4, 3, 1)]).is_err());
        assert_eq!(CommitStore::<i64, i64>::load(&store, stream, 0).unwrap().len(), 1);
        let found = CommitStore::<i64, i64>::find_command(&store, stream, CommandId::from_u128(1).unwrap()).unwrap();
        assert_eq!(found, Some(commit(1, 1, 10)));
        assert_eq!(CommitStore::<i64, i64>::load(&store, stream, u64::MAX).unwrap(), vec![]);
    }

    #[test]
    fn outcomes_give_their_commit_either_way() {
        let committed: Outcome<i64, i64> = Outcome::Committed(commit(1, 1, 5));
        let duplicate: Outcome<i64, i64> = Outcome::Duplicate(commit(1, 1, 5));
        assert_eq!(committed.commit(), duplicate.commit());
        assert!(!committed.is_duplicate() && duplicate.is_duplicate());
        assert_eq!(duplicate.into_commit(), commit(1, 1, 5));
    }

    #[test]
    fn retry_policies_and_manual_clocks() {
        assert_eq!(RetryPolicy::attempts(0).max_attempts(), 1);
        assert_eq!(RetryPolicy::attempts(7).max_attempts(), 7);
        assert_eq!(RetryPolicy::default().max_attempts(), 3);
        let mut clock = ManualClock::new(DateTime::<Utc>::MIN_UTC);
        clock.advance(TimeDelta::days(-1));
        assert_eq!(clock.now(), DateTime::<Utc>::MIN_UTC);
        clock.set(DateTime::<Utc>::UNIX_EPOCH);
        clock.advance(TimeDelta::seconds(90));
        assert_eq!(clock.get(), DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(90));
    }
}
