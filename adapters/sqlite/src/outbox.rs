//! The outbox: effects written with their commits, handed to a deliverer at least once, in order per stream.

use std::fmt;

use chrono::{DateTime, Utc};
use customer_care_storage::{Drained, OutboxEntry, OutboxKey, drain, to_micros_ceil};
use rusqlite::params;
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;

/// The outbox of a [`Database`]: every kind's effects (see [`SqliteStore::with_effects`](crate::SqliteStore::with_effects)).
///
/// Delivery is at least once: an entry stays pending until marked done, so a deliverer that dies between sending
/// and [`mark_done`](Self::mark_done) sends it again (deduplicate on [`OutboxKey`]). Run one deliverer per
/// database (per shard) to keep each stream's effects in order.
///
/// ```
/// use customer_care::customer::{Customer, CustomerCommand, NewProfile};
/// use customer_care::host::Host;
/// use customer_care::{CommandId, CustomerId};
/// use customer_care::chrono::{DateTime, Utc};
/// use customer_care_sqlite::Database;
///
/// let db = Database::in_memory()?;
/// let welcome = |_: &customer_care::Commit<CustomerCommand, _>| vec![serde_json::json!({ "sms": "welcome" })];
/// let store = db.store::<Customer>("customer").with_effects(welcome);
/// let mut host = Host::new(store, || DateTime::<Utc>::UNIX_EPOCH);
/// let mut lan = Customer::new(CustomerId::from_u128(1)?);
/// let register = CustomerCommand::Register { profile: NewProfile::default().build(), registered_at: None };
/// host.submit(&mut lan, &(), CommandId::from_u128(10)?, register)?;
///
/// let mut sent = Vec::new();
/// let drained = db.outbox().drain(100, DateTime::UNIX_EPOCH, |entry| {
///     sent.push(entry.key.to_string());
///     Ok::<(), String>(())
/// })?;
/// assert_eq!(drained.delivered, 1);
/// assert_eq!(sent, ["customer/00000000-0000-0000-0000-000000000001/1/0"]);
/// assert!(db.outbox().pending(100)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Outbox {
    db: Database,
}

impl Database {
    /// The outbox.
    pub fn outbox(&self) -> Outbox {
        Outbox { db: self.clone() }
    }
}

impl Outbox {
    /// Up to `limit` pending entries, oldest first.
    ///
    /// # Errors
    ///
    /// [`RowError::Corrupt`](crate::RowError) for an entry that does not decode; [`StoreError::Sqlite`].
    pub fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.db.connection().prepare_cached(
            "SELECT position, kind, stream, version, seq, effect FROM outbox WHERE done_at IS NULL
             ORDER BY position LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (position, kind, stream, version, seq, effect) = row?;
            let stream = Uuid::from_slice(&stream).map_err(|e| customer_care_storage::RowError::Corrupt {
                table: "outbox",
                kind: kind.clone(),
                stream: Uuid::nil(),
                version: u64::try_from(version).unwrap_or(0),
                detail: format!("stream id: {e}"),
            })?;
            entries.push(OutboxEntry::from_row(position, kind, stream, version, seq, &effect)?);
        }
        Ok(entries)
    }

    /// Marks an entry delivered at `at`; `false` when it was not pending (already done, or unknown).
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`].
    pub fn mark_done(&self, key: &OutboxKey, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self
            .db
            .connection()
            .prepare_cached(
                "UPDATE outbox SET done_at = ?5
                 WHERE kind = ?1 AND stream = ?2 AND version = ?3 AND seq = ?4 AND done_at IS NULL",
            )?
            .execute(params![
                key.kind,
                key.stream.as_bytes().as_slice(),
                i64::try_from(key.version).unwrap_or(i64::MAX),
                key.seq,
                to_micros_ceil(at)
            ])?;
        Ok(changed > 0)
    }

    /// Hands up to `limit` pending entries to `deliver`, oldest first, and marks each one done as soon as it is
    /// delivered. After a refusal, the same stream's later entries are held back until the next drain, so a
    /// stream's effects are never delivered out of order.
    ///
    /// # Errors
    ///
    /// [`StoreError`] from reading or marking (what was delivered before stays marked).
    pub fn drain<D: fmt::Display>(
        &self,
        limit: usize,
        at: DateTime<Utc>,
        deliver: impl FnMut(&OutboxEntry) -> Result<(), D>,
    ) -> Result<Drained, StoreError> {
        drain(self.pending(limit)?, deliver, |key| self.mark_done(key, at))
    }

    /// How many entries are pending.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`].
    pub fn pending_count(&self) -> Result<u64, StoreError> {
        let n: i64 =
            self.db.connection().query_row("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
