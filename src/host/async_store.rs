//! The async twin of [`CommitStore`] and of the host loop, for hosts on an async runtime (a tokio service with
//! `tokio-postgres`, say). Written with `async fn` in traits: the crate depends on no runtime and spawns
//! nothing; the host awaits the store's futures on whatever executor it runs.
//!
//! The loop is written once, here: [`Host::submit`] runs this same loop over its blocking store (through
//! [`Blocking`], whose futures are ready when first polled), so both make the same decisions.
//!
//! ```
//! use customer_care::customer::{Customer, CustomerCommand, NewProfile};
//! use customer_care::host::async_store::Blocking;
//! use customer_care::host::{Host, MemoryStore, Outcome};
//! use customer_care::{CommandId, CustomerId};
//! use chrono::{DateTime, Utc};
//!
//! # fn block_on<F: Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! # block_on(async {
//! // Any `AsyncCommitStore`; here a blocking one, wrapped.
//! let mut host = Host::new(Blocking(MemoryStore::default()), || DateTime::<Utc>::UNIX_EPOCH);
//! let mut lan = Customer::new(CustomerId::from_u128(1)?);
//! let register = CustomerCommand::Register { profile: NewProfile::default().build(), registered_at: None };
//! let first = host.submit_async(&mut lan, &(), CommandId::from_u128(10)?, register).await?;
//! assert!(matches!(first.outcome, Outcome::Committed(ref c) if c.version == 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AppendError, Clock, CommitStore, Host, Outcome, RetryPolicy, SubmitError, SubmitResult, Submitted};
use crate::id::CommandId;
use crate::stream::{Aggregate, Command, Commit, Decision, StreamError};

/// The async twin of [`CommitStore`]: the same contract (see there), with each call a future.
///
/// `async fn` in a public trait cannot promise `Send` futures to generic callers; a host on a multi-threaded
/// runtime names its concrete store, whose futures are `Send` when its connection's are (tokio-postgres').
#[allow(async_fn_in_trait, reason = "the crate stays runtime-free; see the trait's documentation on Send")]
pub trait AsyncCommitStore<C, E> {
    /// The adapter's own failure type.
    type Error: std::error::Error;

    /// The commits of `stream` with a version greater than `after_version`, in order.
    ///
    /// # Errors
    ///
    /// The adapter's failure.
    async fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error>;

    /// Appends `commits` atomically if the stream is at `expected_version`.
    ///
    /// # Errors
    ///
    /// [`AppendError`] as the contract says.
    async fn append(
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
    async fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error>;
}

/// A borrowed async store is an async store.
impl<C, E, T: AsyncCommitStore<C, E> + ?Sized> AsyncCommitStore<C, E> for &mut T {
    type Error = T::Error;

    async fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error> {
        (**self).load(stream, after_version).await
    }

    async fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Self::Error>> {
        (**self).append(stream, expected_version, commits).await
    }

    async fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error> {
        (**self).find_command(stream, command_id).await
    }
}

/// A blocking [`CommitStore`] as an [`AsyncCommitStore`]: each call runs to its end when first polled. For tests
/// and for an async host over an embedded store (SQLite on the same thread).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Blocking<S>(pub S);

impl<C, E, S: CommitStore<C, E>> AsyncCommitStore<C, E> for Blocking<S> {
    type Error = S::Error;

    async fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error> {
        self.0.load(stream, after_version)
    }

    async fn append(
        &mut self,
        stream: Uuid,
        expected_version: u64,
        commits: &[Commit<C, E>],
    ) -> Result<(), AppendError<Self::Error>> {
        self.0.append(stream, expected_version, commits)
    }

    async fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error> {
        self.0.find_command(stream, command_id)
    }
}

/// The result of [`Host::submit_async`].
pub type AsyncSubmitResult<A, S> = Result<
    Submitted<A>,
    SubmitError<
        <A as Aggregate>::Error,
        <S as AsyncCommitStore<<A as Aggregate>::Command, <A as Aggregate>::Event>>::Error,
    >,
>;

/// The host loop's entry points, blocking and async: both run one loop, the blocking ones over their store
/// through [`Blocking`].
impl<S, K: Clock> Host<S, K> {
    /// Submits `body` under the idempotency key `id`; the host stamps `issued_at` from its clock.
    ///
    /// The stamp is the clock's time, moved up to the stream's last decision time if the clock is behind it
    /// (clock skew between servers: the envelope rejects back-dating). After a version conflict the command is
    /// stamped again. The stamp is in the returned commit (`commit().command.issued_at`).
    ///
    /// `state` is the aggregate to decide on (new, snapshot or cached); the loop first applies the commits stored
    /// after its version, and on success applies the new commit, so `state` ends at the end of the stream (also
    /// when the command is rejected, which stores nothing).
    ///
    /// A command already in the stream is answered [`Outcome::Duplicate`] with the stored commit, whether the
    /// aggregate still remembers its id or only the store does: when the aggregate rejects a command, or the store
    /// refuses its id, the loop looks the id up with [`CommitStore::find_command`] and compares bodies (a retry of
    /// an old purchase would otherwise be rejected as a repeated order). The same id with another body is
    /// rejected with [`StreamError::ExistsWithDifferentBody`].
    ///
    /// # Errors
    ///
    /// [`SubmitError::Rejected`] with the aggregate's reason, [`SubmitError::TooManyConflicts`] after the retry
    /// policy's attempts, [`SubmitError::MissingCommit`] when the store lost a commit it reports, or
    /// [`SubmitError::Store`].
    pub fn submit<A>(
        &mut self,
        state: &mut A,
        context: &A::Context,
        id: CommandId,
        body: A::Command,
    ) -> SubmitResult<A, S>
    where
        A: Aggregate,
        S: CommitStore<A::Command, A::Event>,
    {
        let placeholder = DateTime::<Utc>::MIN_UTC;
        let command = Command::new(id, placeholder, body);
        block_on_ready(run(
            &mut Blocking(&mut self.store),
            &mut self.clock,
            self.retry,
            state,
            context,
            command,
            Stamp::Clock,
        ))
    }

    /// Submits `command` as it is, keeping its `issued_at`: for commands whose decision time was fixed earlier
    /// (a command queued in the host's outbox, a replayed import, a simulation).
    ///
    /// As [`submit`](Self::submit) otherwise, except that a retry after a version conflict keeps `issued_at` too,
    /// so it is rejected with [`StreamError::Backdated`] if the winning writer's command was issued later.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit).
    pub fn submit_command<A>(
        &mut self,
        state: &mut A,
        context: &A::Context,
        command: Command<A::Command>,
    ) -> SubmitResult<A, S>
    where
        A: Aggregate,
        S: CommitStore<A::Command, A::Event>,
    {
        block_on_ready(run(
            &mut Blocking(&mut self.store),
            &mut self.clock,
            self.retry,
            state,
            context,
            command,
            Stamp::Keep,
        ))
    }

    /// [`load`](Self::load) over an async store.
    ///
    /// # Errors
    ///
    /// The store's failure.
    pub async fn load_async<A>(&self, initial: A) -> Result<A, S::Error>
    where
        A: Aggregate,
        S: AsyncCommitStore<A::Command, A::Event>,
    {
        let mut state = initial;
        catch_up(&self.store, &mut state).await?;
        Ok(state)
    }

    /// [`submit`](Self::submit) over an async store: the same loop, each store call awaited.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit).
    pub async fn submit_async<A>(
        &mut self,
        state: &mut A,
        context: &A::Context,
        id: CommandId,
        body: A::Command,
    ) -> AsyncSubmitResult<A, S>
    where
        A: Aggregate,
        S: AsyncCommitStore<A::Command, A::Event>,
    {
        let command = Command::new(id, DateTime::<Utc>::MIN_UTC, body);
        run(&mut self.store, &mut self.clock, self.retry, state, context, command, Stamp::Clock).await
    }

    /// [`submit_command`](Self::submit_command) over an async store.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit).
    pub async fn submit_command_async<A>(
        &mut self,
        state: &mut A,
        context: &A::Context,
        command: Command<A::Command>,
    ) -> AsyncSubmitResult<A, S>
    where
        A: Aggregate,
        S: AsyncCommitStore<A::Command, A::Event>,
    {
        run(&mut self.store, &mut self.clock, self.retry, state, context, command, Stamp::Keep).await
    }
}

/// Who sets `issued_at`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stamp {
    /// The host's clock, on every attempt.
    Clock,
    /// The caller, once.
    Keep,
}

/// The output of a future that completes without waiting (the loop over a [`Blocking`] store), polled on this
/// thread with a no-op waker. Polls again while it is pending, so it must only be given such futures.
pub(super) fn block_on_ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::hint::spin_loop();
    }
}

/// The host loop (see [`Host::submit`]): load → stamp → decide → append → apply, again after a version
/// conflict, the stored commit for a duplicate.
pub(super) async fn run<A, S, K>(
    store: &mut S,
    clock: &mut K,
    retry: RetryPolicy,
    state: &mut A,
    context: &A::Context,
    command: Command<A::Command>,
    stamp: Stamp,
) -> AsyncSubmitResult<A, S>
where
    A: Aggregate,
    S: AsyncCommitStore<A::Command, A::Event>,
    K: Clock,
{
    let mut command = command;
    let stream = state.stream_id();
    let attempts = retry.max_attempts();
    for attempt in 1..=attempts {
        catch_up(store, state).await.map_err(SubmitError::Store)?;
        if stamp == Stamp::Clock {
            let now = clock.now();
            command.issued_at = state.last_issued_at().map_or(now, |last| last.max(now));
        }
        let duplicate = |commit| Ok(Submitted { outcome: Outcome::Duplicate(commit), attempts: attempt });
        let decision = match state.decide(context, &command) {
            Ok(decision) => decision,
            Err(rejection) => {
                return match stored::<A, S>(store, stream, &command).await? {
                    Some(commit) => duplicate(commit),
                    None => Err(SubmitError::Rejected(rejection)),
                };
            }
        };
        let commit = match decision {
            Decision::Accepted(commit) => commit,
            Decision::Duplicate { version } => {
                return duplicate(stored_at::<A, S>(store, stream, command.id, version).await?);
            }
        };
        match store.append(stream, state.version(), std::slice::from_ref(&commit)).await {
            Ok(()) => {
                state.apply(&commit);
                return Ok(Submitted { outcome: Outcome::Committed(commit), attempts: attempt });
            }
            Err(AppendError::DuplicateCommand { version, .. }) => {
                return match stored::<A, S>(store, stream, &command).await? {
                    Some(commit) => duplicate(commit),
                    None => duplicate(stored_at::<A, S>(store, stream, command.id, version).await?),
                };
            }
            Err(AppendError::VersionConflict { .. }) => {}
            Err(AppendError::Store(e)) => return Err(SubmitError::Store(e)),
        }
    }
    Err(SubmitError::TooManyConflicts { attempts })
}

/// Applies the commits stored after `state`'s version.
async fn catch_up<A, S>(store: &S, state: &mut A) -> Result<(), S::Error>
where
    A: Aggregate,
    S: AsyncCommitStore<A::Command, A::Event>,
{
    for commit in store.load(state.stream_id(), state.version()).await? {
        state.apply(&commit);
    }
    Ok(())
}

/// A commit of aggregate `A`.
type CommitOf<A> = Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>;

type LoopError<A, S> = SubmitError<
    <A as Aggregate>::Error,
    <S as AsyncCommitStore<<A as Aggregate>::Command, <A as Aggregate>::Event>>::Error,
>;

/// The stored commit of `command`'s id: `None` when absent, the commit for the same body, a
/// [`StreamError::ExistsWithDifferentBody`] rejection for another body.
async fn stored<A, S>(
    store: &S,
    stream: Uuid,
    command: &Command<A::Command>,
) -> Result<Option<CommitOf<A>>, LoopError<A, S>>
where
    A: Aggregate,
    S: AsyncCommitStore<A::Command, A::Event>,
{
    let found = store.find_command(stream, command.id).await.map_err(SubmitError::Store)?;
    let Some(stored) = found else { return Ok(None) };
    if stored.command.body == command.body {
        Ok(Some(stored))
    } else {
        let error = StreamError::ExistsWithDifferentBody { command_id: command.id, version: stored.version };
        Err(SubmitError::Rejected(error.into()))
    }
}

/// The commit at `version`, which holds `command_id`: by the id, else by the version.
async fn stored_at<A, S>(
    store: &S,
    stream: Uuid,
    command_id: CommandId,
    version: u64,
) -> Result<CommitOf<A>, LoopError<A, S>>
where
    A: Aggregate,
    S: AsyncCommitStore<A::Command, A::Event>,
{
    let found = match store.find_command(stream, command_id).await.map_err(SubmitError::Store)? {
        Some(commit) => Some(commit),
        None => {
            let after = version.saturating_sub(1);
            let loaded = store.load(stream, after).await.map_err(SubmitError::Store)?;
            loaded.into_iter().next().filter(|c| c.version == version)
        }
    };
    found.filter(|c| c.command.id == command_id).ok_or(SubmitError::MissingCommit { stream, command_id, version })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{Customer, CustomerCommand};
    use crate::host::conformance::check_async_store;
    use crate::host::{ManualClock, MemoryStore};
    use crate::id::CustomerId;

    /// Suspends once before it completes, as a store waiting on a socket would.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();

        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    /// An async store whose every call suspends once, counting the suspensions.
    struct Suspending {
        inner: Blocking<MemoryStore>,
        calls: std::cell::Cell<u32>,
    }

    impl<C, E> AsyncCommitStore<C, E> for Suspending
    where
        Blocking<MemoryStore>: AsyncCommitStore<C, E>,
    {
        type Error = <Blocking<MemoryStore> as AsyncCommitStore<C, E>>::Error;

        async fn load(&self, stream: Uuid, after_version: u64) -> Result<Vec<Commit<C, E>>, Self::Error> {
            self.calls.set(self.calls.get() + 1);
            YieldOnce(false).await;
            self.inner.load(stream, after_version).await
        }

        async fn append(
            &mut self,
            stream: Uuid,
            expected_version: u64,
            commits: &[Commit<C, E>],
        ) -> Result<(), AppendError<Self::Error>> {
            self.calls.set(self.calls.get() + 1);
            YieldOnce(false).await;
            self.inner.append(stream, expected_version, commits).await
        }

        async fn find_command(&self, stream: Uuid, command_id: CommandId) -> Result<Option<Commit<C, E>>, Self::Error> {
            self.calls.set(self.calls.get() + 1);
            YieldOnce(false).await;
            self.inner.find_command(stream, command_id).await
        }
    }

    fn suspending() -> Suspending {
        Suspending { inner: Blocking(MemoryStore::default()), calls: std::cell::Cell::new(0) }
    }

    /// A minimal executor for the tests: polls until ready, counting the polls that were pending.
    fn run_to_end<F: Future>(future: F) -> (F::Output, u32) {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        let mut pending = 0;
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return (output, pending);
            }
            pending += 1;
        }
    }

    #[test]
    fn the_kit_passes_on_a_store_that_suspends_at_every_call() {
        let (passed, pending) = run_to_end(check_async_store(async || suspending(), |c: &Customer| Ok(c.clone())));
        assert_eq!(passed.unwrap().len(), 6);
        assert!(pending > 100, "the kit awaited real suspensions: {pending}");
    }

    #[test]
    fn the_async_loop_decides_as_the_blocking_one() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut blocking = Host::new(MemoryStore::default(), ManualClock::new(t0));
        let mut suspending = Host::new(suspending(), ManualClock::new(t0));
        let (mut a, mut b) =
            (Customer::new(CustomerId::from_u128(1).unwrap()), Customer::new(CustomerId::from_u128(1).unwrap()));
        let register = CustomerCommand::Register { profile: Default::default(), registered_at: None };
        // A command, its retry (a duplicate), and a reused id with another body (rejected).
        let steps = [(10, register.clone()), (10, register), (10, CustomerCommand::Erase)];
        for (id, body) in steps {
            let id = CommandId::from_u128(id).unwrap();
            let sync = blocking.submit(&mut a, &(), id, body.clone()).map(|s| s.outcome);
            let (r#async, _) = run_to_end(suspending.submit_async(&mut b, &(), id, body));
            assert_eq!(r#async.map(|s| s.outcome), sync);
            assert_eq!(a, b);
        }
        let stored = |host: &Host<Suspending, ManualClock>| {
            run_to_end(host.load_async(Customer::new(CustomerId::from_u128(1).unwrap()))).0
        };
        assert_eq!(stored(&suspending).unwrap(), a);
        assert!(suspending.store().calls.get() >= 6);
    }
}
