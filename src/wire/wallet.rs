//! The stored-value account's steps.

use serde_json::Value;

use super::error::{Stored, WireError};
use super::json::{elements_mut, rename_key, rename_tag};
use super::upcast::{Upcast, step_error};
use crate::wallet::StoredValueAccount;

/// Format 1 → 2 (issue 15): the command tag `expire_due` → `process_due` (in commits and in the commands a
/// snapshot remembers), and the receipt of `spent` and `hold_captured` events: `principal_remaining` →
/// `principal_available`, `bonus_remaining` → `bonus_available`, `total_remaining` → `money_available`.
impl Upcast for StoredValueAccount {
    const NAME: &'static str = "stored-value account";

    fn upcast_commit(from: u32, mut commit: Value) -> Result<Value, WireError> {
        match from {
            1 => {
                if let Some(body) = commit.get_mut("command").and_then(|c| c.get_mut("body")) {
                    rename_tag(body, "type", "expire_due", "process_due");
                }
                for event in elements_mut(&mut commit, "events") {
                    if let Some(receipt) = event.get_mut("receipt") {
                        rename_key(receipt, "principal_remaining", "principal_available");
                        rename_key(receipt, "bonus_remaining", "bonus_available");
                        rename_key(receipt, "total_remaining", "money_available");
                    }
                }
                Ok(commit)
            }
            _ => Err(step_error::<Self>(Stored::Commit, from, "no such step")),
        }
    }

    fn upcast_snapshot(from: u32, mut snapshot: Value) -> Result<Option<Value>, WireError> {
        match from {
            1 => {
                let Some(stream) = snapshot.get_mut("stream") else {
                    return Err(step_error::<Self>(Stored::Snapshot, from, "no `stream` envelope"));
                };
                for recorded in elements_mut(stream, "recent") {
                    if let Some(body) = recorded.get_mut("body") {
                        rename_tag(body, "type", "expire_due", "process_due");
                    }
                }
                Ok(Some(snapshot))
            }
            _ => Err(step_error::<Self>(Stored::Snapshot, from, "no such step")),
        }
    }
}
