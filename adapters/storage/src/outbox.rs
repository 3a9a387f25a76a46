//! The outbox's values, and the drain every adapter runs: at least once, in order per stream.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::engine::Engine;
use crate::error::{RowError, version_from_sql};
use crate::schedule::to_micros_ceil;

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
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    let mut drain = Draining::default();
    for entry in pending {
        if drain.admits(&entry) {
            let delivered = deliver(&entry);
            if drain.delivered(entry, delivered) {
                mark(&drain.last)?;
            }
        }
    }
    Ok(drain.finish())
}

/// The bookkeeping of one drain, blocking or async: which streams are held back, what was delivered.
#[derive(Debug, Default)]
pub struct Draining {
    drained: Drained,
    blocked: BTreeSet<(String, Uuid)>,
    last: OutboxKey,
}

impl Draining {
    /// Whether `entry` may be handed out (its stream has no refused entry in this drain); counts it held back if
    /// not.
    pub fn admits(&mut self, entry: &OutboxEntry) -> bool {
        let admitted = !self.blocked.contains(&(entry.key.kind.clone(), entry.key.stream));
        if !admitted {
            self.drained.held_back += 1;
        }
        admitted
    }

    /// Records what the deliverer said of `entry`; `true` when it was delivered, and is then to be marked done
    /// ([`last`](Self::last) is its key).
    pub fn delivered<D: fmt::Display>(&mut self, entry: OutboxEntry, result: Result<(), D>) -> bool {
        match result {
            Ok(()) => {
                self.drained.delivered += 1;
                self.last = entry.key;
                true
            }
            Err(e) => {
                self.blocked.insert((entry.key.kind.clone(), entry.key.stream));
                self.drained.failed.push((entry.key, e.to_string()));
                false
            }
        }
    }

    /// The key of the entry delivered last.
    pub const fn last(&self) -> &OutboxKey {
        &self.last
    }

    /// What the drain did.
    pub fn finish(self) -> Drained {
        self.drained
    }
}

/// The outbox of a database: every kind's effects (see [`Store::with_effects`](crate::Store::with_effects)).
/// The adapters' `Database::outbox()` returns one.
///
/// Delivery is at least once: an entry stays pending until marked done, so a deliverer that dies between sending
/// and [`mark_done`](Self::mark_done) sends it again (deduplicate on [`OutboxKey`]). Run one deliverer per
/// database (per shard) to keep each stream's effects in order. Done entries stay in the table (an audit trail)
/// until [`delete_done`](Self::delete_done) removes those delivered before a given instant.
#[derive(Clone, Debug)]
pub struct Outbox<D> {
    db: D,
}

impl<D> Outbox<D> {
    /// The outbox of `db`.
    pub const fn new(db: D) -> Self {
        Self { db }
    }

    /// The database.
    pub const fn database(&self) -> &D {
        &self.db
    }
}

impl<D: Engine> Outbox<D> {
    /// Up to `limit` pending entries, oldest first.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`] for an entry that does not decode; the engine's.
    pub fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, D::Error> {
        self.db.pending(i64::try_from(limit).unwrap_or(i64::MAX))
    }

    /// Marks an entry delivered at `at`; `false` when it was not pending (already done, or unknown).
    ///
    /// # Errors
    ///
    /// The engine's.
    pub fn mark_done(&self, key: &OutboxKey, at: DateTime<Utc>) -> Result<bool, D::Error> {
        self.db.mark_done(key, to_micros_ceil(at))
    }

    /// Hands up to `limit` pending entries to `deliver`, oldest first, and marks each one done as soon as it is
    /// delivered. After a refusal, the same stream's later entries are held back until the next drain, so a
    /// stream's effects are never delivered out of order.
    ///
    /// # Errors
    ///
    /// The engine's, from reading or marking (what was delivered before stays marked).
    pub fn drain<M: fmt::Display>(
        &self,
        limit: usize,
        at: DateTime<Utc>,
        deliver: impl FnMut(&OutboxEntry) -> Result<(), M>,
    ) -> Result<Drained, D::Error> {
        drain(self.pending(limit)?, deliver, |key| self.mark_done(key, at))
    }

    /// How many entries are pending.
    ///
    /// # Errors
    ///
    /// The engine's.
    pub fn pending_count(&self) -> Result<u64, D::Error> {
        Ok(u64::try_from(self.db.scalar("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")?).unwrap_or(0))
    }

    /// Housekeeping: deletes the entries marked done before `before` (strictly), in one statement, and says how
    /// many. Pending entries are never deleted, however old, and an entry done at `before` or later stays, so
    /// `delete_done(now - 30 days)` keeps a month of delivered effects for audits. Run it from the deliverer's loop
    /// now and then; it is safe beside a drain (it touches only done rows).
    ///
    /// # Errors
    ///
    /// The engine's.
    pub fn delete_done(&self, before: DateTime<Utc>) -> Result<u64, D::Error> {
        // `done_at` was stored rounded up; rounding `before` up keeps "strictly before" exact to the microsecond.
        self.db.delete_done(to_micros_ceil(before))
    }
}
