//! The points account's steps.

use serde_json::Value;

use super::error::{Stored, WireError};
use super::json::{elements_mut, rename_tag};
use super::upcast::{Upcast, step_error};
use crate::loyalty::PointsAccount;

/// Format 1 → 2: the event tags `points_expired` → `lot_expired` and `points_activated` → `lot_activated`
/// (issue 15). Commands and the state's shape did not change.
impl Upcast for PointsAccount {
    const NAME: &'static str = "points account";

    fn upcast_commit(from: u32, mut commit: Value) -> Result<Value, WireError> {
        match from {
            1 => {
                for event in elements_mut(&mut commit, "events") {
                    rename_tag(event, "type", "points_expired", "lot_expired");
                    rename_tag(event, "type", "points_activated", "lot_activated");
                }
                Ok(commit)
            }
            _ => Err(step_error::<Self>(Stored::Commit, from, "no such step")),
        }
    }

    fn upcast_snapshot(from: u32, snapshot: Value) -> Result<Option<Value>, WireError> {
        match from {
            1 => Ok(Some(snapshot)),
            _ => Err(step_error::<Self>(Stored::Snapshot, from, "no such step")),
        }
    }
}
