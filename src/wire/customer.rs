//! The customer's steps.

use serde_json::Value;

use super::error::{Stored, WireError};
use super::upcast::{Upcast, step_error};
use crate::customer::Customer;

/// Format 1 → 2: commits unchanged. Snapshots of format 1 are ignored (the state is rebuilt from the commits): a
/// customer's stream is short, and its snapshot holds personal data that is better rebuilt than rewritten.
impl Upcast for Customer {
    const NAME: &'static str = "customer";

    fn upcast_commit(from: u32, commit: Value) -> Result<Value, WireError> {
        match from {
            1 => Ok(commit),
            _ => Err(step_error::<Self>(Stored::Commit, from, "no such step")),
        }
    }
}
