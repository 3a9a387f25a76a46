//! The tour's host: streams of commits in the SQLite file (the `customer-care-sqlite` adapter), the crate's
//! host loop ([`customer_care::host::Host`]), and what a long-running host keeps in memory — the latest state of
//! every aggregate — so a command loads only the commits after it.
//!
//! Idempotency across runs: every command has a fixed id. Before deciding, the host asks the store whether that id
//! is already stored (the lookup behind the unique `(stream, command id)` index); if so, it answers from the stored
//! commit and applies it to its cache instead of deciding again. A second run of the tour on the same file thus
//! commits nothing and reports the same figures.

#![allow(unreachable_pub)] // items shared within the example binary

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Display;

use chrono::{DateTime, Utc};
use customer_care::host::{self, CommitStore, Outcome, SubmitError};
use customer_care::{Aggregate, CommandId, Commit};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use customer_care_storage::{Engine, Store};

/// A commit of aggregate `A`.
pub type CommitOf<A> = Commit<<A as Aggregate>::Command, <A as Aggregate>::Event>;

/// What happened to the commands a host was given.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Decided and appended now.
    pub committed: u64,
    /// Already stored (a re-run): answered from the stored commit.
    pub duplicates: u64,
    /// Rejected by the aggregate (nothing stored).
    pub rejected: u64,
}

/// One aggregate type's streams.
pub struct Host<A: Aggregate, D> {
    store: Store<A, D>,
    cache: BTreeMap<Uuid, A>,
    /// What happened so far.
    pub counts: Counts,
}

impl<A, D: Engine> Host<A, D>
where
    A: Aggregate + customer_care::wire::Upcast + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned,
    A::Event: Serialize + DeserializeOwned,
    A::Error: Display,
{
    /// A host over `store`'s streams.
    pub fn new(store: Store<A, D>) -> Self {
        Self { store, cache: BTreeMap::new(), counts: Counts::default() }
    }

    /// The cached state of a stream, if it has any commit.
    pub fn get(&self, stream: Uuid) -> Option<&A> {
        self.cache.get(&stream)
    }

    /// Every cached aggregate, by stream.
    pub fn all(&self) -> impl Iterator<Item = &A> {
        self.cache.values()
    }

    /// The store (for counts, the outbox and the deadline index).
    pub fn store(&self) -> &Store<A, D> {
        &self.store
    }

    /// Brings every cached state to the end of its stream (after the scheduler's pass: a re-run finds the time
    /// commands stored and nothing due, so it reads them here).
    pub fn catch_up(&mut self) -> Result<(), Box<dyn Error>> {
        for state in self.cache.values_mut() {
            *state = self.store.load_state(state.clone())?;
        }
        Ok(())
    }

    /// Runs one command: the stored commit if its id is already stored, else the crate's host loop, stamping
    /// `issued_at` with `at` (decide → append with the expected version → apply, retrying on conflicts).
    /// `Ok(None)` when the aggregate rejects it.
    ///
    /// The loop answers a stored id too, but from a state loaded up to the stream's end. A re-run must advance the
    /// cached state one stored commit at a time instead, so that the simulation, which reads that state to choose
    /// its next commands (top up? redeem?), makes the same choices and submits the same bodies.
    pub fn run(
        &mut self,
        stream: Uuid,
        new: impl Fn() -> A,
        context: &A::Context,
        id: CommandId,
        at: DateTime<Utc>,
        body: A::Command,
    ) -> Result<Option<CommitOf<A>>, Box<dyn Error>> {
        let cached = self.cache.remove(&stream).unwrap_or_else(&new);
        if let Some(stored) = self.store.find_command(stream, id)? {
            if stored.command.body != body {
                return Err(format!(
                    "command {id} is stored with another body: the file holds another simulation (--fresh)"
                )
                .into());
            }
            let mut state = cached;
            if stored.version != state.version() + 1 {
                let (at, after) = (stored.version, state.version());
                return Err(format!(
                    "command {id} is stored at version {at}, after {after}: another simulation (--fresh)"
                )
                .into());
            }
            state.apply(&stored);
            self.cache.insert(stream, state);
            self.counts.duplicates += 1;
            return Ok(Some(stored));
        }
        let mut state = cached;
        let result = host::Host::new(&mut self.store, || at).submit(&mut state, context, id, body);
        if state.version() > 0 {
            self.cache.insert(stream, state);
        }
        match result {
            Ok(submitted) => match submitted.outcome {
                Outcome::Committed(commit) => {
                    self.counts.committed += 1;
                    Ok(Some(commit))
                }
                Outcome::Duplicate(_) => Err("a fresh command id was answered as a duplicate".into()),
            },
            Err(SubmitError::Rejected(_)) => {
                self.counts.rejected += 1;
                Ok(None)
            }
            Err(e) => Err(format!("{e}").into()),
        }
    }
}
