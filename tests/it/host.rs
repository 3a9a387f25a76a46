//! The host loop and the storage conformance kit: the reference store passes, broken stores are caught.

use customer_care::customer::{Customer, CustomerCommand, CustomerEvent};
use customer_care::host::conformance::check_store;
use customer_care::host::{AppendError, CommitStore, Infallible, MemoryStore};
use customer_care::{CommandId, Commit};
use std::collections::BTreeMap;

use uuid::Uuid;

type C = CustomerCommand;
type E = CustomerEvent;

fn json_codec(c: &Customer) -> Result<Customer, String> {
    serde_json::from_str(&serde_json::to_string(c).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[test]
fn the_memory_store_passes_every_check() {
    let passed = check_store(MemoryStore::<C, E>::default, json_codec).unwrap();
    assert_eq!(passed.len(), 6);
}

/// A store with one flaw switched on, written from scratch so each flaw is exactly one missing rule.
#[derive(Default)]
struct Flawed {
    streams: BTreeMap<Uuid, Vec<Commit<C, E>>>,
    flaw: Flaw,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum Flaw {
    #[default]
    None,
    IgnoresVersion,
    IgnoresCommandIds,
    PartialBatches,
    LoadsEverything,
}

impl CommitStore<C, E> for Flawed {
    type Error = Infallible;

    fn load(&self, stream: Uuid, after: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        let log = self.streams.get(&stream).cloned().unwrap_or_default();
        let skip = if self.flaw == Flaw::LoadsEverything { 0 } else { after as usize };
        Ok(log.into_iter().skip(skip).collect())
    }

    fn find_command(&self, stream: Uuid, id: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        if self.flaw == Flaw::IgnoresCommandIds {
            return Ok(None);
        }
        Ok(self.streams.get(&stream).and_then(|log| log.iter().find(|c| c.command.id == id)).cloned())
    }

    fn append(&mut self, stream: Uuid, expected: u64, commits: &[Commit<C, E>]) -> Result<(), AppendError<Infallible>> {
        let flaw = self.flaw;
        let log = self.streams.entry(stream).or_default();
        let actual = log.len() as u64;
        if actual != expected && flaw != Flaw::IgnoresVersion {
            return Err(AppendError::VersionConflict { stream, expected, actual });
        }
        for commit in commits {
            let stored = log.iter().find(|c| c.command.id == commit.command.id);
            if let Some(stored) = stored
                && flaw != Flaw::IgnoresCommandIds
            {
                if flaw == Flaw::PartialBatches {
                    // Stops here, keeping what it already wrote.
                    return Err(AppendError::DuplicateCommand {
                        stream,
                        command_id: commit.command.id,
                        version: stored.version,
                    });
                }
                return Err(AppendError::DuplicateCommand {
                    stream,
                    command_id: commit.command.id,
                    version: stored.version,
                });
            }
            if flaw == Flaw::PartialBatches {
                log.push(commit.clone());
            }
        }
        if flaw != Flaw::PartialBatches {
            log.extend(commits.iter().cloned());
        }
        Ok(())
    }
}

#[test]
fn broken_stores_are_caught_by_the_right_check() {
    for (flaw, check) in [
        (Flaw::IgnoresVersion, "same_version_race"),
        (Flaw::IgnoresCommandIds, "duplicate_command_id"),
        (Flaw::PartialBatches, "atomic_batch"),
        (Flaw::LoadsEverything, "append_then_load"),
    ] {
        let failure = check_store(|| Flawed { flaw, ..Default::default() }, json_codec).unwrap_err();
        assert_eq!(failure.check, check, "{failure}");
    }
    assert!(check_store(Flawed::default, json_codec).is_ok());
}

#[test]
fn a_lossy_snapshot_codec_is_caught() {
    let lossy = |c: &Customer| -> Result<Customer, String> { Ok(Customer::new(c.id())) };
    let failure = check_store(MemoryStore::<C, E>::default, lossy).unwrap_err();
    assert_eq!(failure.check, "snapshot_plus_tail");
}
