//! The sans-I/O envelope every aggregate shares: commands in, commits out, state is a fold.
//!
//! - A [`Command`] carries the host's idempotency key ([`CommandId`]), the instant the host decided it
//!   (`issued_at`: the library never reads a clock) and a body.
//! - `decide` is pure. It answers [`Decision::Accepted`] with a [`Commit`] (the next version, the command and the
//!   events it produced) or [`Decision::Duplicate`] when the same id with the same body was already committed.
//! - The host appends the commit with an expected-version check, then calls `apply`, which is infallible.
//!
//! # Idempotency (TigerBeetle semantics)
//!
//! - Same [`CommandId`], same body → [`Decision::Duplicate`] carrying the version of the original commit; treat it as
//!   success and answer from that commit (it holds the events, such as which lots a debit used).
//! - Same id, different body → [`StreamError::ExistsWithDifferentBody`].
//! - Bodies are compared, not `issued_at`: a retry may be restamped.
//! - Nil ids cannot be built (see [`CommandId::new`]).
//!
//! An aggregate remembers the ids of its last [`IDEMPOTENCY_WINDOW`] commits. Beyond that window the host's
//! unique index on `(stream, command id)` is the guard: an append that violates it is a duplicate, answered from
//! the stored commit. Hosts must keep that index for as long as clients may retry.
//!
//! # Time
//!
//! Commands are decided "as of" `issued_at`, which must not go backwards within a stream
//! ([`StreamError::Backdated`]; no back-dating is allowed, so time-driven decisions such as expiry replay
//! identically). Stamp `issued_at` when deciding, and stamp it again when retrying after a version conflict.
//! Business times that may lie in the past (when a purchase happened at an offline till) are fields of the body.
//!
//! # Batches
//!
//! [`decide_batch`] decides a list of commands for one aggregate all-or-nothing: either every command is accepted
//! (or is a duplicate) and the host appends all resulting commits in one atomic write, or the first rejection is
//! returned with its index and nothing is to be written.
//!
//! # Format version
//!
//! Everything stored carries the format it was written in: a [`Commit`] as its `format` field, a snapshot (an
//! aggregate's state) as the `format` field of its `stream` envelope ([`StreamState`]). Both are written with
//! [`FORMAT_VERSION`]; JSON without the field is [`FIRST_FORMAT`] (written before the field existed). Plain
//! deserialization reads the current format only and answers any other with a [`FormatError`] naming both, so
//! nothing is ever misread: older commits and snapshots are read through [`crate::wire`], which upcasts them.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::id::CommandId;

/// How many recent commits an aggregate remembers for duplicate detection.
pub const IDEMPOTENCY_WINDOW: usize = 128;

/// The format this build writes commits and snapshots in (see `notes/wire-format.md` in the repository).
///
/// - 1: the shapes before the format was written down (no `format` field; issue 15's old names).
/// - 2: `format` in every commit and snapshot; the names of issue 15 (`lot_expired`, `lot_activated`,
///   `process_due`, the wallet receipt's `*_available` fields).
pub const FORMAT_VERSION: u32 = 2;

/// The format of stored JSON that has no `format` field.
pub const FIRST_FORMAT: u32 = 1;

/// Stored JSON in a format this reader does not read directly.
///
/// Plain deserialization of a [`Commit`] or a [`StreamState`] answers it for any format but [`FORMAT_VERSION`]:
/// an older one is to be read through [`crate::wire`] (which upcasts it), a newer one by a newer build.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} written in format {found}, this build reads format {current} directly (older formats through \
     customer_care::wire, newer ones with a newer build)"
)]
pub struct FormatError {
    /// What was read: `commit` or `snapshot`.
    pub what: &'static str,
    /// The format the JSON says it was written in.
    pub found: u32,
    /// [`FORMAT_VERSION`].
    pub current: u32,
}

/// The format of JSON without a `format` field.
const fn first_format() -> u32 {
    FIRST_FORMAT
}

/// `Ok` when `found` is the current format.
const fn check_format(what: &'static str, found: u32) -> Result<(), FormatError> {
    if found == FORMAT_VERSION { Ok(()) } else { Err(FormatError { what, found, current: FORMAT_VERSION }) }
}

/// A command from the host. Time and identity are inputs, never read from the environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command<C> {
    /// Idempotency key, generated and persisted by the host before submission.
    pub id: CommandId,
    /// When the host decided the command; the aggregate decides "as of" this instant.
    pub issued_at: DateTime<Utc>,
    /// What to do.
    pub body: C,
}

impl<C> Command<C> {
    /// A command with the given id, decision time and body.
    pub const fn new(id: CommandId, issued_at: DateTime<Utc>, body: C) -> Self {
        Self { id, issued_at, body }
    }
}

/// One accepted command and the facts it produced.
///
/// The host appends it atomically with `version - 1` as the expected stream version, then applies it.
///
/// Its JSON is `{"format", "version", "command", "events"}`: `format` is [`FORMAT_VERSION`] when written;
/// deserializing JSON of another format fails with a [`FormatError`] (read older ones through
/// [`crate::wire::decode_commit`]). Unknown fields are rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit<C, E> {
    /// Stream version after this commit: 1-based and gap-free.
    pub version: u64,
    /// The command, kept as the audit trail and the idempotency record.
    pub command: Command<C>,
    /// The facts, in order.
    pub events: Vec<E>,
}

/// A commit as written: the format first.
#[derive(Serialize)]
struct CommitOut<'a, C, E> {
    format: u32,
    version: u64,
    command: &'a Command<C>,
    events: &'a [E],
}

/// A commit as read: the format (absent: [`FIRST_FORMAT`]) checked before anything else is trusted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitIn<C, E> {
    #[serde(default = "first_format")]
    format: u32,
    version: u64,
    command: Command<C>,
    events: Vec<E>,
}

impl<C: Serialize, E: Serialize> Serialize for Commit<C, E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CommitOut { format: FORMAT_VERSION, version: self.version, command: &self.command, events: &self.events }
            .serialize(serializer)
    }
}

impl<'de, C: Deserialize<'de>, E: Deserialize<'de>> Deserialize<'de> for Commit<C, E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let CommitIn { format, version, command, events } = CommitIn::deserialize(deserializer)?;
        check_format("commit", format).map_err(serde::de::Error::custom)?;
        Ok(Self { version, command, events })
    }
}

/// The answer to a command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[must_use = "an accepted commit must be persisted by the host, then applied"]
pub enum Decision<C, E> {
    /// Persist (expecting `commit.version - 1`), then `apply`.
    Accepted(Commit<C, E>),
    /// The same id with the same body was committed at `version`. Treat as success.
    Duplicate {
        /// The version of the original commit.
        version: u64,
    },
}

impl<C, E> Decision<C, E> {
    /// The accepted commit, if any.
    pub fn accepted(self) -> Option<Commit<C, E>> {
        match self {
            Self::Accepted(commit) => Some(commit),
            Self::Duplicate { .. } => None,
        }
    }
}

/// Why the envelope rejected a command or a replay.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StreamError {
    /// The command id was already committed with another body.
    #[error("command {command_id} already exists with a different body (committed at version {version})")]
    ExistsWithDifferentBody {
        /// The reused id.
        command_id: CommandId,
        /// Version of the earlier commit.
        version: u64,
    },
    /// `issued_at` is earlier than the last accepted command's.
    #[error("command {command_id} issued at {issued_at} is earlier than the last accepted command at {last_issued_at}")]
    Backdated {
        /// The command.
        command_id: CommandId,
        /// Its decision time.
        issued_at: DateTime<Utc>,
        /// The decision time of the last accepted command.
        last_issued_at: DateTime<Utc>,
    },
    /// A commit does not follow the current version (replay of a log with a gap, or a commit applied twice).
    #[error("commit version {found} does not follow version {current}")]
    VersionGap {
        /// The aggregate's version before the commit.
        current: u64,
        /// The commit's version.
        found: u64,
    },
}

/// A remembered commit: its command id, version and body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded<C> {
    id: CommandId,
    version: u64,
    /// `None` once forgotten (see [`StreamState::forget_bodies`]).
    body: Option<C>,
}

/// The envelope's part of an aggregate's state: version, last decision time and the idempotency window.
///
/// Aggregates embed one and call [`check`](Self::check) first in `decide` and [`record`](Self::record) in `apply`.
///
/// It carries the snapshot's format: its JSON is `{"format", "version", "last_issued_at", "recent"}`, written with
/// [`FORMAT_VERSION`]; another format fails to deserialize with a [`FormatError`] (read older snapshots through
/// [`crate::wire::decode_snapshot`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "StreamRepr<C>",
    into = "StreamRepr<C>",
    bound(serialize = "C: Clone + Serialize", deserialize = "C: Deserialize<'de>")
)]
pub struct StreamState<C> {
    version: u64,
    last_issued_at: Option<DateTime<Utc>>,
    recent: VecDeque<Recorded<C>>,
    /// A 32-bit fingerprint of each remembered id, parallel to `recent`: a scan of this small contiguous array
    /// answers "never seen" (the common case) without touching the records, and costs nothing to maintain. (32 bits:
    /// baseline x86-64 compares four at once, where 64-bit lanes need SSE4.1.)
    fingerprints: VecDeque<u32>,
}

/// The fingerprint of a command id (its four 32-bit quarters folded together).
fn fingerprint(id: CommandId) -> u32 {
    let bits = id.as_uuid().as_u128();
    let half = bits ^ (bits >> 64);
    // Truncation is the point: the high quarter is folded into the low one.
    #[allow(clippy::cast_possible_truncation)]
    let folded = (half ^ (half >> 32)) as u32;
    folded
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamRepr<C> {
    #[serde(default = "first_format")]
    format: u32,
    version: u64,
    last_issued_at: Option<DateTime<Utc>>,
    recent: VecDeque<Recorded<C>>,
}

impl<C> TryFrom<StreamRepr<C>> for StreamState<C> {
    type Error = FormatError;

    fn try_from(r: StreamRepr<C>) -> Result<Self, FormatError> {
        check_format("snapshot", r.format)?;
        let fingerprints = r.recent.iter().map(|rec| fingerprint(rec.id)).collect();
        Ok(Self { version: r.version, last_issued_at: r.last_issued_at, recent: r.recent, fingerprints })
    }
}

impl<C> From<StreamState<C>> for StreamRepr<C> {
    fn from(s: StreamState<C>) -> Self {
        Self { format: FORMAT_VERSION, version: s.version, last_issued_at: s.last_issued_at, recent: s.recent }
    }
}

impl<C> Default for StreamState<C> {
    fn default() -> Self {
        Self { version: 0, last_issued_at: None, recent: VecDeque::new(), fingerprints: VecDeque::new() }
    }
}

impl<C: PartialEq + Clone> StreamState<C> {
    /// A new, empty stream at version 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The version of the last applied commit (0 when none).
    pub const fn version(&self) -> u64 {
        self.version
    }

    /// The decision time of the last applied commit.
    pub const fn last_issued_at(&self) -> Option<DateTime<Utc>> {
        self.last_issued_at
    }

    /// The envelope checks, in order: a remembered id answers `Ok(Some(version))` (same body) or
    /// [`StreamError::ExistsWithDifferentBody`]; otherwise `issued_at` must not precede the last accepted command.
    /// `Ok(None)` means: decide the body.
    ///
    /// # Errors
    ///
    /// [`StreamError::ExistsWithDifferentBody`], [`StreamError::Backdated`].
    pub fn check(&self, command: &Command<C>) -> Result<Option<u64>, StreamError> {
        if let Some(recorded) = self.remembered(command.id) {
            let version = recorded.version;
            let same = recorded.body.as_ref().is_some_and(|body| *body == command.body);
            return if same {
                Ok(Some(version))
            } else {
                Err(StreamError::ExistsWithDifferentBody { command_id: command.id, version })
            };
        }
        if let Some(last) = self.last_issued_at
            && command.issued_at < last
        {
            return Err(StreamError::Backdated {
                command_id: command.id,
                issued_at: command.issued_at,
                last_issued_at: last,
            });
        }
        Ok(None)
    }

    /// The newest remembered commit of `id`.
    fn remembered(&self, id: CommandId) -> Option<&Recorded<C>> {
        let fingerprint = fingerprint(id);
        // Every fingerprint is compared, without an early exit, so the loop compiles to wide vector compares.
        let seen = |part: &[u32]| part.iter().fold(false, |seen, &f| seen | (f == fingerprint));
        let (front, back) = self.fingerprints.as_slices();
        if !(seen(front) || seen(back)) {
            return None;
        }
        self.recent.iter().rev().find(|r| r.id == id)
    }

    /// Builds the commit for an accepted command: the next version, a copy of the command, the events.
    pub fn commit<E>(&self, command: &Command<C>, events: Vec<E>) -> Commit<C, E> {
        Commit { version: self.version.saturating_add(1), command: command.clone(), events }
    }

    /// Whether `commit` is the next one for this stream.
    ///
    /// # Errors
    ///
    /// [`StreamError::VersionGap`].
    pub fn check_next<E>(&self, commit: &Commit<C, E>) -> Result<(), StreamError> {
        if Some(commit.version) == self.version.checked_add(1) {
            Ok(())
        } else {
            Err(StreamError::VersionGap { current: self.version, found: commit.version })
        }
    }

    /// Records an applied commit: advances the version and remembers its id and body.
    pub fn record<E>(&mut self, commit: &Commit<C, E>) {
        self.push_record(commit, Some(commit.command.body.clone()));
    }

    /// Advances the version and last decision time past an applied commit without remembering it: a replay calls
    /// this for every commit, then [`record`](Self::record) for the last [`IDEMPOTENCY_WINDOW`] ones, so it
    /// copies only the bodies (and fills only the window slots) that stay remembered.
    fn advance<E>(&mut self, commit: &Commit<C, E>) {
        self.version = commit.version;
        self.last_issued_at =
            Some(self.last_issued_at.map_or(commit.command.issued_at, |t| t.max(commit.command.issued_at)));
    }

    fn push_record<E>(&mut self, commit: &Commit<C, E>, body: Option<C>) {
        self.advance(commit);
        self.fingerprints.push_back(fingerprint(commit.command.id));
        self.recent.push_back(Recorded { id: commit.command.id, version: commit.version, body });
        while self.recent.len() > IDEMPOTENCY_WINDOW {
            self.recent.pop_front();
            self.fingerprints.pop_front();
        }
    }

    /// Forgets the remembered bodies that match `forget` (for example those holding personal data, on erasure),
    /// keeping their ids. A later retry of such a command can no longer be compared and is answered
    /// [`StreamError::ExistsWithDifferentBody`]: erasure wins over idempotency.
    pub fn forget_bodies(&mut self, mut forget: impl FnMut(&C) -> bool) {
        for recorded in &mut self.recent {
            if recorded.body.as_ref().is_some_and(&mut forget) {
                recorded.body = None;
            }
        }
    }

    /// The remembered bodies, oldest first (forgotten ones skipped).
    pub fn recent_bodies(&self) -> impl Iterator<Item = &C> {
        self.recent.iter().filter_map(|r| r.body.as_ref())
    }
}

/// The common shape of the crate's event-sourced aggregates, so hosts (and [`replay`], [`decide_batch`]) can be
/// written once.
pub trait Aggregate: Clone {
    /// Configuration a decision needs (a loyalty program, say); `()` when none.
    type Context: ?Sized;
    /// The command body.
    type Command: Clone + PartialEq;
    /// The event type.
    type Event: Clone;
    /// The rejection type.
    type Error: From<StreamError>;

    /// Decides a command. Pure: no I/O, no clock, no randomness.
    ///
    /// # Errors
    ///
    /// The aggregate's rejection; a rejected command changes nothing.
    fn decide(
        &self,
        context: &Self::Context,
        command: &Command<Self::Command>,
    ) -> Result<Decision<Self::Command, Self::Event>, Self::Error>;

    /// Applies a persisted commit. Infallible: its events were validated when decided.
    fn apply(&mut self, commit: &Commit<Self::Command, Self::Event>);

    /// The version of the last applied commit: the optimistic-concurrency token.
    fn version(&self) -> u64;

    /// The decision time of the last applied commit; a new command must not be issued earlier.
    fn last_issued_at(&self) -> Option<DateTime<Utc>>;

    /// The id of this aggregate's stream: the key its commits are stored under (the aggregate's own id, so a host
    /// loop that takes the stream from the state cannot file one aggregate's commits under another's id).
    ///
    /// Ids are unique within one aggregate type; a store that keeps several types in one table keys its rows by
    /// type and stream (as [`MemoryStore`](crate::host::MemoryStore) does).
    fn stream_id(&self) -> Uuid;
}

/// Rebuilds an aggregate by applying `commits` to `initial` (a new aggregate or a snapshot).
///
/// # Errors
///
/// [`StreamError::VersionGap`] when a commit does not follow the one before it.
pub fn replay<'a, A>(
    initial: A,
    commits: impl IntoIterator<Item = &'a Commit<A::Command, A::Event>>,
) -> Result<A, StreamError>
where
    A: Aggregate,
    A::Command: 'a,
    A::Event: 'a,
{
    let mut state = initial;
    for commit in commits {
        let current = state.version();
        if Some(commit.version) != current.checked_add(1) {
            return Err(StreamError::VersionGap { current, found: commit.version });
        }
        state.apply(commit);
    }
    Ok(state)
}

/// Replays `commits` onto `state`, whose envelope `stream` returns: checks each version, applies its events
/// with `apply_events`, and remembers only the last [`IDEMPOTENCY_WINDOW`] commits (earlier ones would be
/// forgotten by the end anyway), so the result equals applying every commit with `record`.
///
/// # Errors
///
/// [`StreamError::VersionGap`] when a commit does not follow the one before it.
pub(crate) fn replay_remembering_last<'a, S, C, E>(
    state: &mut S,
    commits: impl IntoIterator<Item = &'a Commit<C, E>>,
    stream: fn(&mut S) -> &mut StreamState<C>,
    mut apply_events: impl FnMut(&mut S, &Commit<C, E>),
) -> Result<(), StreamError>
where
    C: PartialEq + Clone + 'a,
    E: 'a,
{
    let mut last: VecDeque<&Commit<C, E>> = VecDeque::with_capacity(IDEMPOTENCY_WINDOW);
    for commit in commits {
        stream(state).check_next(commit)?;
        apply_events(state, commit);
        stream(state).advance(commit);
        if last.len() == IDEMPOTENCY_WINDOW {
            last.pop_front();
        }
        last.push_back(commit);
    }
    let stream = stream(state);
    for commit in last {
        stream.record(commit);
    }
    Ok(())
}

/// A batch rejected by its command at `index`; nothing of the batch is to be written.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("batch command {index} rejected: {error}")]
pub struct BatchError<E> {
    /// Position of the rejected command in the batch.
    pub index: usize,
    /// Why it was rejected.
    pub error: E,
}

/// The decisions of an accepted batch, or the rejection that voided it.
pub type BatchResult<A> =
    Result<Vec<Decision<<A as Aggregate>::Command, <A as Aggregate>::Event>>, BatchError<<A as Aggregate>::Error>>;

/// Decides `commands` in order, all-or-nothing, each seeing the effect of the ones before it.
///
/// Returns one decision per command. The host appends every accepted commit in one atomic write (expecting the
/// aggregate's current version) and then applies them in order.
///
/// # Errors
///
/// The first rejection, with its index.
pub fn decide_batch<A: Aggregate>(
    aggregate: &A,
    context: &A::Context,
    commands: &[Command<A::Command>],
) -> BatchResult<A> {
    let mut scratch = aggregate.clone();
    let mut decisions = Vec::with_capacity(commands.len());
    for (index, command) in commands.iter().enumerate() {
        let decision = scratch.decide(context, command).map_err(|error| BatchError { index, error })?;
        if let Decision::Accepted(commit) = &decision {
            scratch.apply(commit);
        }
        decisions.push(decision);
    }
    Ok(decisions)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// A counter: the smallest aggregate that exercises the envelope.
    #[derive(Clone, Debug, PartialEq, Default)]
    struct Counter {
        stream: StreamState<i64>,
        total: i64,
    }

    impl Aggregate for Counter {
        type Context = ();
        type Command = i64;
        type Event = i64;
        type Error = StreamError;
        fn decide(&self, _: &(), cmd: &Command<i64>) -> Result<Decision<i64, i64>, StreamError> {
            if let Some(version) = self.stream.check(cmd)? {
                return Ok(Decision::Duplicate { version });
            }
            Ok(Decision::Accepted(self.stream.commit(cmd, vec![cmd.body])))
        }
        fn apply(&mut self, commit: &Commit<i64, i64>) {
            self.stream.record(commit);
            self.total += commit.events.iter().sum::<i64>();
        }
        fn version(&self) -> u64 {
            self.stream.version()
        }
        fn last_issued_at(&self) -> Option<DateTime<Utc>> {
            self.stream.last_issued_at()
        }
        fn stream_id(&self) -> Uuid {
            Uuid::from_u128(1)
        }
    }

    fn at(sec: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + sec, 0).unwrap()
    }

    fn cmd(id: u128, sec: i64, body: i64) -> Command<i64> {
        Command::new(CommandId::from_u128(id).unwrap(), at(sec), body)
    }

    fn run(c: &mut Counter, command: &Command<i64>) -> Decision<i64, i64> {
        let d = c.decide(&(), command).unwrap();
        if let Decision::Accepted(commit) = &d {
            c.apply(commit);
        }
        d
    }

    #[test]
    fn duplicates_and_conflicts() {
        let mut c = Counter::default();
        assert!(matches!(run(&mut c, &cmd(1, 0, 5)), Decision::Accepted(ref k) if k.version == 1));
        // Restamped retry, same body: duplicate of version 1.
        assert_eq!(run(&mut c, &cmd(1, 9, 5)), Decision::Duplicate { version: 1 });
        assert_eq!(c.total, 5);
        assert_eq!(
            c.decide(&(), &cmd(1, 9, 6)).unwrap_err(),
            StreamError::ExistsWithDifferentBody { command_id: CommandId::from_u128(1).unwrap(), version: 1 }
        );
    }

    #[test]
    fn backdating_is_rejected_after_the_duplicate_check() {
        let mut c = Counter::default();
        let _ = run(&mut c, &cmd(1, 10, 1));
        let err = c.decide(&(), &cmd(2, 9, 1)).unwrap_err();
        assert!(matches!(err, StreamError::Backdated { .. }), "{err}");
        // Same instant is fine.
        assert!(matches!(run(&mut c, &cmd(2, 10, 1)), Decision::Accepted(_)));
        // An old duplicate is still a duplicate.
        assert_eq!(run(&mut c, &cmd(1, 0, 1)), Decision::Duplicate { version: 1 });
    }

    #[test]
    fn a_fingerprint_depends_on_every_bit_of_the_id() {
        let base = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210_u128;
        let of = |bits: u128| fingerprint(CommandId::from_u128(bits).unwrap());
        for bit in 0..128 {
            assert_ne!(of(base ^ (1 << bit)), of(base), "bit {bit}");
        }
    }

    #[test]
    fn ids_sharing_a_fingerprint_are_told_apart_by_the_records() {
        // Flipping the same bit in two quarters of the id cancels out in the fold.
        let (a, b) = (0x1234_5678_9abc_def0_u128, 0x1234_5678_9abc_def0_u128 ^ (1 | 1 << 32));
        let (id_a, id_b) = (CommandId::from_u128(a).unwrap(), CommandId::from_u128(b).unwrap());
        assert_eq!(fingerprint(id_a), fingerprint(id_b));
        let mut c = Counter::default();
        let _ = run(&mut c, &cmd(a, 0, 1));
        // b is new: accepted, not a duplicate of a, nor a conflict with it.
        assert!(matches!(run(&mut c, &cmd(b, 1, 2)), Decision::Accepted(ref k) if k.version == 2));
        assert_eq!(run(&mut c, &cmd(a, 2, 1)), Decision::Duplicate { version: 1 });
        assert_eq!(run(&mut c, &cmd(b, 2, 2)), Decision::Duplicate { version: 2 });
        assert_eq!(c.total, 3);
    }

    #[test]
    fn window_forgets_old_ids() {
        let mut c = Counter::default();
        let n = IDEMPOTENCY_WINDOW as u128 + 10;
        for i in 1..=n {
            let _ = run(&mut c, &cmd(i, 0, 1));
        }
        assert_eq!(c.stream.recent.len(), IDEMPOTENCY_WINDOW);
        assert_eq!(c.stream.fingerprints.len(), IDEMPOTENCY_WINDOW);
        // Forgotten: accepted again (the host's unique index must catch it).
        assert!(matches!(c.decide(&(), &cmd(1, 0, 1)).unwrap(), Decision::Accepted(_)));
        assert_eq!(c.decide(&(), &cmd(n, 0, 1)).unwrap(), Decision::Duplicate { version: n as u64 });
    }

    #[test]
    fn replay_rejects_gaps_and_equals_live() {
        let mut live = Counter::default();
        let commits: Vec<_> = (1..=5).filter_map(|i| run(&mut live, &cmd(i, i as i64, i as i64)).accepted()).collect();
        assert_eq!(replay(Counter::default(), &commits).unwrap(), live);
        let gap = [commits[0].clone(), commits[2].clone()];
        assert_eq!(replay(Counter::default(), &gap).unwrap_err(), StreamError::VersionGap { current: 1, found: 3 });
    }

    #[test]
    fn batches_are_all_or_nothing() {
        let mut c = Counter::default();
        let _ = run(&mut c, &cmd(1, 0, 1));
        let ok = decide_batch(&c, &(), &[cmd(2, 1, 2), cmd(1, 1, 1), cmd(3, 2, 3)]).unwrap();
        assert_eq!(ok.len(), 3);
        assert_eq!(ok[1], Decision::Duplicate { version: 1 });
        assert!(matches!(&ok[2], Decision::Accepted(k) if k.version == 3));
        let err = decide_batch(&c, &(), &[cmd(2, 1, 2), cmd(3, 0, 3)]).unwrap_err();
        assert_eq!(err.index, 1);
        assert_eq!(c.version(), 1);
    }

    #[test]
    fn commits_and_snapshots_say_their_format_and_refuse_any_other() {
        let mut c = Counter::default();
        let commit = run(&mut c, &cmd(1, 0, 5)).accepted().unwrap();
        let json = serde_json::to_string(&commit).unwrap();
        assert!(json.starts_with(r#"{"format":2,"version":1,"#), "{json}");
        assert_eq!(serde_json::from_str::<Commit<i64, i64>>(&json).unwrap(), commit);
        let state = serde_json::to_string(&c.stream).unwrap();
        assert!(state.starts_with(r#"{"format":2,"version":1,"#), "{state}");
        for (found, commit_json, state_json) in [
            (1, json.replace(r#""format":2,"#, ""), state.replace(r#""format":2,"#, "")),
            (3, json.replace(r#""format":2"#, r#""format":3"#), state.replace(r#""format":2"#, r#""format":3"#)),
        ] {
            let err = serde_json::from_str::<Commit<i64, i64>>(&commit_json).unwrap_err().to_string();
            let expected = FormatError { what: "commit", found, current: FORMAT_VERSION }.to_string();
            assert!(err.starts_with(&expected), "{err}");
            let err = serde_json::from_str::<StreamState<i64>>(&state_json).unwrap_err().to_string();
            let expected = FormatError { what: "snapshot", found, current: FORMAT_VERSION }.to_string();
            assert!(err.starts_with(&expected), "{err}");
        }
        let unknown = json.replace(r#""version":1,"#, r#""version":1,"signed_by":"x","#);
        assert!(serde_json::from_str::<Commit<i64, i64>>(&unknown).unwrap_err().to_string().contains("signed_by"));
    }

    #[test]
    fn serde_rebuilds_the_index() {
        let mut c = Counter::default();
        for i in 1..=3 {
            let _ = run(&mut c, &cmd(i, 0, 1));
        }
        let json = serde_json::to_string(&c.stream).unwrap();
        let back: StreamState<i64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c.stream);
    }
}
