//! Helpers shared by the integration tests: instants, ids, and an in-memory host.

#![allow(dead_code)]

pub mod aggregate;
pub mod ledger_strategies;
pub mod rng;
pub mod strategies;

use chrono::{DateTime, TimeZone, Utc};
use customer_care::CommandId;
use customer_care::stream::{Aggregate, Command, Commit, Decision};

/// A UTC instant.
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// A command id from a number.
pub fn cid(n: u128) -> CommandId {
    CommandId::from_u128(n).unwrap()
}

/// The smallest possible host: one stream, its commits in a `Vec`, append with an expected-version check.
#[derive(Debug)]
pub struct MemoryHost<A: Aggregate> {
    pub state: A,
    pub log: Vec<Commit<A::Command, A::Event>>,
}

/// Why an append failed.
#[derive(Debug, PartialEq, Eq)]
pub struct VersionConflict {
    pub expected: u64,
    pub actual: u64,
}

impl<A: Aggregate> MemoryHost<A> {
    pub fn new(state: A) -> Self {
        Self { state, log: Vec::new() }
    }

    /// Appends if the log is at `expected`.
    pub fn append(&mut self, expected: u64, commit: Commit<A::Command, A::Event>) -> Result<(), VersionConflict> {
        let actual = self.log.len() as u64;
        if actual != expected {
            return Err(VersionConflict { expected, actual });
        }
        self.log.push(commit);
        Ok(())
    }

    /// Load → decide → append → apply. Returns the decision.
    pub fn submit(
        &mut self,
        context: &A::Context,
        command: &Command<A::Command>,
    ) -> Result<Decision<A::Command, A::Event>, A::Error> {
        let decision = self.state.decide(context, command)?;
        if let Decision::Accepted(commit) = &decision {
            self.append(self.state.version(), commit.clone()).expect("single writer");
            self.state.apply(commit);
        }
        Ok(decision)
    }
}
