//! The deadline kept with each commit: the state an append starts from (cached, or rebuilt by the adapter), the
//! new commits applied, `deadline(&state)` stored.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use customer_care::{Aggregate, Commit};
use uuid::Uuid;

use crate::error::RowError;
use crate::schedule::to_micros_ceil;

/// How an adapter keeps each stream's next deadline, and the latest states it appended (up to a limit; when full
/// it starts again empty).
pub struct Tracking<A> {
    new: fn(Uuid) -> Option<A>,
    deadline: fn(&A) -> Option<DateTime<Utc>>,
    snapshot_every: u64,
    cache: BTreeMap<Uuid, A>,
    cache_limit: usize,
}

impl<A> fmt::Debug for Tracking<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracking")
            .field("snapshot_every", &self.snapshot_every)
            .field("cached", &self.cache.len())
            .field("cache_limit", &self.cache_limit)
            .finish()
    }
}

/// What an append stores beside its commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advanced {
    /// The stream's next deadline, microseconds rounded up.
    pub due_at: Option<i64>,
    /// Whether a snapshot is due in this append.
    pub snapshot: bool,
}

impl<A: Aggregate> Tracking<A> {
    /// Deadlines from `deadline`; `new` starts a stream's first rebuild. Keeps up to 100,000 states, no snapshots.
    pub fn new(new: fn(Uuid) -> Option<A>, deadline: fn(&A) -> Option<DateTime<Utc>>) -> Self {
        Self { new, deadline, snapshot_every: 0, cache: BTreeMap::new(), cache_limit: 100_000 }
    }

    /// A snapshot with every commit whose version is a multiple of `every` (0: never).
    pub const fn set_snapshot_every(&mut self, every: u64) {
        self.snapshot_every = every;
    }

    /// Keep at most `streams` states.
    pub const fn set_cache_limit(&mut self, streams: usize) {
        self.cache_limit = streams;
    }

    /// The cached state of `stream` if it is at `version` (taken out of the cache).
    pub fn take(&mut self, stream: Uuid, version: u64) -> Option<A> {
        self.cache.remove(&stream).filter(|state| state.version() == version)
    }

    /// The empty aggregate of `stream`.
    ///
    /// # Errors
    ///
    /// [`RowError::Rebuild`] when the aggregate refuses the id.
    pub fn empty(&self, kind: &str, stream: Uuid) -> Result<A, RowError> {
        (self.new)(stream).ok_or_else(|| RowError::Rebuild {
            kind: kind.to_owned(),
            stream,
            detail: "the aggregate refuses this stream id".into(),
        })
    }

    /// Applies `commits` to `state`: its next deadline, and whether a snapshot is due.
    pub fn advance(&self, state: &mut A, commits: &[Commit<A::Command, A::Event>]) -> Advanced {
        for commit in commits {
            state.apply(commit);
        }
        let every = self.snapshot_every;
        Advanced {
            due_at: (self.deadline)(state).map(to_micros_ceil),
            snapshot: every > 0 && commits.iter().any(|c| c.version % every == 0),
        }
    }

    /// Keeps `state` once its append is committed.
    pub fn keep(&mut self, state: A) {
        if self.cache.len() >= self.cache_limit {
            self.cache.clear();
        }
        if self.cache_limit > 0 {
            self.cache.insert(state.stream_id(), state);
        }
    }
}
