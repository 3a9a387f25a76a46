//! The outbox's values, and the drain every adapter runs: at least once, in order per stream.

use std::collections::BTreeSet;
use std::fmt;

use uuid::Uuid;

use crate::error::{RowError, version_from_sql};

/// An effect's stable identity: the commit that caused it and its place among that commit's effects. The same
/// effect always has the same key, however often it is handed out, so a deliverer deduplicates on it (an SMS
/// gateway's idempotency key, a unique index in the mail queue).
///
/// ```
/// use customer_care_storage::OutboxKey;
///
/// let key = OutboxKey { kind: "wallet".into(), stream: uuid::Uuid::from_u128(7), version: 12, seq: 0 };
/// assert_eq!(key.to_string(), "wallet/00000000-0000-0000-0000-000000000007/12/0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutboxKey {
    /// The aggregate kind.
    pub kind: String,
    /// The stream.
    pub stream: Uuid,
    /// The commit's version.
    pub version: u64,
    /// The effect's place among the commit's effects, from 0.
    pub seq: u32,
}

impl fmt::Display for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/{}", self.kind, self.stream, self.version, self.seq)
    }
}

/// An effect waiting for delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    /// Its place in the outbox: entries are handed out in this order, which is version order within a stream.
    pub position: u64,
    /// The dedup key.
    pub key: OutboxKey,
    /// The effect, as the store's effects function made it.
    pub effect: serde_json::Value,
}

/// What one drain did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drained {
    /// Entries delivered and marked done.
    pub delivered: usize,
    /// Entries the deliverer refused, with its message: still pending, handed out again next time.
    pub failed: Vec<(OutboxKey, String)>,
    /// Later entries of a stream with a failed entry, left pending so the stream's order holds.
    pub held_back: usize,
}

impl OutboxEntry {
    /// An entry from its row.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] when the effect does not decode or a number is out of range.
    pub fn from_row(
        position: i64,
        kind: String,
        stream: Uuid,
        version: i64,
        seq: i64,
        effect: &str,
    ) -> Result<Self, RowError> {
        let corrupt = |detail: String| RowError::Corrupt {
            table: "outbox",
            kind: kind.clone(),
            stream,
            version: u64::try_from(version).unwrap_or(0),
            detail,
        };
        let effect = serde_json::from_str(effect).map_err(|e| corrupt(e.to_string()))?;
        let seq = u32::try_from(seq).map_err(|_| corrupt(format!("seq {seq}")))?;
        let position = u64::try_from(position).map_err(|_| corrupt(format!("position {position}")))?;
        let version = version_from_sql("outbox", &kind, stream, version)?;
        Ok(Self { position, key: OutboxKey { kind, stream, version, seq }, effect })
    }
}

/// Hands `pending` (oldest first) to `deliver` and marks each delivered entry with `mark` at once. After a
/// refusal, the same stream's later entries are held back, so a stream's effects are never delivered out of
/// order.
///
/// # Errors
///
/// The first failure of `mark` (what was delivered before stays marked).
pub fn drain<D: fmt::Display, E>(
    pending: Vec<OutboxEntry>,
    mut deliver: impl FnMut(&OutboxEntry) -> Result<(), D>,
    mut mark: impl FnMut(&OutboxKey) -> Result<bool, E>,
) -> Result<Drained, E> {
    let mut drained = Drained::default();
    let mut blocked: BTreeSet<(String, Uuid)> = BTreeSet::new();
    for entry in pending {
        let stream = (entry.key.kind.clone(), entry.key.stream);
        if blocked.contains(&stream) {
            drained.held_back += 1;
            continue;
        }
        match deliver(&entry) {
            Ok(()) => {
                mark(&entry.key)?;
                drained.delivered += 1;
            }
            Err(e) => {
                drained.failed.push((entry.key, e.to_string()));
                blocked.insert(stream);
            }
        }
    }
    Ok(drained)
}
