//! The host side, without the I/O: the storage contract a host implements, the host loop written once, an
//! in-memory reference store, and a [`conformance`] kit a host runs against its own adapter.
//!
//! The crate never touches storage. A host stores each aggregate's commits in an append-only stream (a table
//! with a unique `(stream, version)` and a unique `(stream, command id)`), and implements [`CommitStore`] over it.
//! [`submit`] then runs the loop every host needs: load → decide → append with the expected version → on a
//! version conflict reload and decide again (stamping a new `issued_at`) → on a duplicate, answer from the stored
//! commit.
//!
//! ```
//! use customer_care::customer::{Customer, CustomerCommand, NewProfile};
//! use customer_care::host::{MemoryStore, Outcome, submit};
//! use customer_care::{Command, CommandId, CustomerId};
//! use chrono::{TimeZone, Utc};
//!
//! let mut store = MemoryStore::default();
//! let id = CustomerId::from_u128(1)?;
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().ok_or("no such instant")?;
//! let register = Command::new(
//!     CommandId::from_u128(10)?,
//!     now,
//!     CustomerCommand::Register { profile: NewProfile::default().full_name("Lan")?.build(), registered_at: None },
//! );
//! let first = submit(&mut store, id.as_uuid(), || Customer::new(id), &(), register.clone(), || now, 3)?;
//! assert!(matches!(first.outcome, Outcome::Committed(ref c) if c.version == 1));
//! // A retry of the same command is answered from the stored commit.
//! let again = submit(&mut store, id.as_uuid(), || Customer::new(id), &(), register, || now, 3)?;
//! assert_eq!(again.outcome, Outcome::Duplicate { version: 1 });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod conformance;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::id::CommandId;
use crate::stream::{Aggregate, Command, Commit, Decision, StreamError};

/// Why an append was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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
pub trait CommitStore<C, E> {
    /// The adapter's own failure type.
    type Error: fmt::Debug;

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

/// The answer the host gives its caller.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<C, E> {
    /// The command was committed now.
    Committed(Commit<C, E>),
    /// It had been committed before, at `version`.
    Duplicate {
        /// The stored commit's version.
        version: u64,
    },
}

/// A submitted command: the outcome and the aggregate after it.
#[derive(Clone, Debug)]
pub struct Submitted<A: Aggregate> {
    /// What happened.
    pub outcome: Outcome<A::Command, A::Event>,
    /// The aggregate, with the commit applied.
    pub state: A,
    /// How many decide → append rounds it took (more than 1 after version conflicts).
    pub attempts: u32,
}

/// Why [`submit`] gave up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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
    /// The store failed.
    #[error("store error: {0:?}")]
    Store(S),
}

/// The host loop: load → stamp → decide → append with the expected version → apply, retrying up to
/// `max_attempts` times on version conflicts.
///
/// `initial` gives the state to start from: a new aggregate, a snapshot, or the host's cached state. The loop loads
/// only the commits after its version, so a host that keeps its aggregates in memory (or snapshots them) does not
/// replay a whole stream per command.
///
/// The loop owns the decision time: before every attempt it stamps `issued_at` with `now()`, moved up to the
/// stream's last decision time if the host's clock is behind it (clock skew between servers), since the envelope
/// rejects back-dating. The `issued_at` the command arrives with is replaced.
///
/// A command already in the stream is answered [`Outcome::Duplicate`], whether the aggregate still remembers its
/// id or only the store does: when the aggregate rejects a command, or the store refuses its id, the loop looks
/// the id up with [`CommitStore::find_command`] and compares bodies (a retry of an old purchase would otherwise be
/// rejected as a repeated order). The same id with another body is rejected with
/// [`StreamError::ExistsWithDifferentBody`].
///
/// # Errors
///
/// [`SubmitError::Rejected`] with the aggregate's reason, [`SubmitError::TooManyConflicts`], or
/// [`SubmitError::Store`].
pub fn submit<A, S>(
    store: &mut S,
    stream: Uuid,
    initial: impl Fn() -> A,
    context: &A::Context,
    command: Command<A::Command>,
    mut now: impl FnMut() -> DateTime<Utc>,
    max_attempts: u32,
) -> Result<Submitted<A>, SubmitError<A::Error, S::Error>>
where
    A: Aggregate,
    S: CommitStore<A::Command, A::Event>,
{
    let mut command = command;
    for attempt in 1..=max_attempts.max(1) {
        let mut state = initial();
        let commits = store.load(stream, state.version()).map_err(SubmitError::Store)?;
        for commit in &commits {
            state.apply(commit);
        }
        let stamp = now();
        command.issued_at = state.last_issued_at().map_or(stamp, |last| last.max(stamp));
        let decision = match state.decide(context, &command) {
            Ok(decision) => decision,
            Err(rejection) => {
                return match stored_duplicate::<A, S>(store, stream, &command)? {
                    Some(outcome) => outcome.map(|version| Submitted {
                        outcome: Outcome::Duplicate { version },
                        state,
                        attempts: attempt,
                    }),
                    None => Err(SubmitError::Rejected(rejection)),
                };
            }
        };
        match decision {
            Decision::Duplicate { version } => {
                return Ok(Submitted { outcome: Outcome::Duplicate { version }, state, attempts: attempt });
            }
            Decision::Accepted(commit) => match store.append(stream, state.version(), std::slice::from_ref(&commit)) {
                Ok(()) => {
                    state.apply(&commit);
                    return Ok(Submitted { outcome: Outcome::Committed(commit), state, attempts: attempt });
                }
                Err(AppendError::DuplicateCommand { version, .. }) => {
                    let outcome = stored_duplicate::<A, S>(store, stream, &command)?.unwrap_or(Ok(version));
                    return outcome.map(|version| Submitted {
                        outcome: Outcome::Duplicate { version },
                        state,
                        attempts: attempt,
                    });
                }
                Err(AppendError::VersionConflict { .. }) => {}
                Err(AppendError::Store(e)) => return Err(SubmitError::Store(e)),
            },
        }
    }
    Err(SubmitError::TooManyConflicts { attempts: max_attempts.max(1) })
}

/// Looks `command`'s id up in the store: `None` when absent, `Some(Ok(version))` for the same body,
/// `Some(Err(..))` for another body.
#[allow(clippy::type_complexity)]
fn stored_duplicate<A, S>(
    store: &S,
    stream: Uuid,
    command: &Command<A::Command>,
) -> Result<Option<Result<u64, SubmitError<A::Error, S::Error>>>, SubmitError<A::Error, S::Error>>
where
    A: Aggregate,
    S: CommitStore<A::Command, A::Event>,
{
    let Some(stored) = store.find_command(stream, command.id).map_err(SubmitError::Store)? else { return Ok(None) };
    if stored.command.body == command.body {
        Ok(Some(Ok(stored.version)))
    } else {
        let error = StreamError::ExistsWithDifferentBody { command_id: command.id, version: stored.version };
        Ok(Some(Err(SubmitError::Rejected(error.into()))))
    }
}

/// An in-memory [`CommitStore`]: the reference implementation the conformance kit is checked against, and a
/// store for tests and examples.
#[derive(Clone, Debug)]
pub struct MemoryStore<C, E> {
    streams: BTreeMap<Uuid, Vec<Commit<C, E>>>,
    commands: BTreeMap<(Uuid, CommandId), u64>,
}

impl<C, E> Default for MemoryStore<C, E> {
    fn default() -> Self {
        Self { streams: BTreeMap::new(), commands: BTreeMap::new() }
    }
}

impl<C, E> MemoryStore<C, E> {
    /// The streams and their commits.
    pub fn streams(&self) -> impl Iterator<Item = (Uuid, &[Commit<C, E>])> {
        self.streams.iter().map(|(id, log)| (*id, log.as_slice()))
    }
}

/// The in-memory store never fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Infallible {}

impl<C: Clone, E: Clone> CommitStore<C, E> for MemoryStore<C, E> {
    type Error = Infallible;

    fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        let log = self.streams.get(&stream).map_or(&[][..], Vec::as_slice);
        let skip = usize::try_from(after_version).unwrap_or(usize::MAX).min(log.len());
        Ok(log[skip..].to_vec())
    }

    fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Infallible>> {
        let actual = self.streams.get(&stream).map_or(0, |log| log.len() as u64);
        if actual != expected_version {
            return Err(AppendError::VersionConflict { stream, expected: expected_version, actual });
        }
        for commit in commits {
            if let Some(&version) = self.commands.get(&(stream, commit.command.id)) {
                return Err(AppendError::DuplicateCommand { stream, command_id: commit.command.id, version });
            }
        }
        for (offset, commit) in commits.iter().enumerate() {
            if commit.version != expected_version + offset as u64 + 1 {
                return Err(AppendError::VersionConflict { stream, expected: expected_version, actual });
            }
        }
        let log = self.streams.entry(stream).or_default();
        for commit in commits {
            self.commands.insert((stream, commit.command.id), commit.version);
            log.push(commit.clone());
        }
        Ok(())
    }

    fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        let Some(&version) = self.commands.get(&(stream, command_id)) else { return Ok(None) };
        let index = usize::try_from(version.saturating_sub(1)).unwrap_or(usize::MAX);
        Ok(self.streams.get(&stream).and_then(|log| log.get(index)).cloned())
    }
}
