//! The outbox: effects written with their commits, handed to a deliverer at least once, in order per stream.

use std::fmt;

use chrono::{DateTime, Utc};
use customer_care_storage::{Drained, OutboxEntry, OutboxKey, drain, to_micros_ceil};
use uuid::Uuid;

use crate::database::Database;
use crate::error::StoreError;

/// The outbox of a [`Database`]: every kind's effects (see [`PostgresStore::with_effects`](crate::PostgresStore::with_effects)).
///
/// Delivery is at least once: an entry stays pending until marked done, so a deliverer that dies between sending
/// and [`mark_done`](Self::mark_done) sends it again (deduplicate on [`OutboxKey`]). Run one deliverer per
/// database (per shard) to keep each stream's effects in order.
///
/// ```no_run
/// use customer_care::customer::{Customer, CustomerCommand, NewProfile};
/// use customer_care::host::Host;
/// use customer_care::{CommandId, CustomerId};
/// use customer_care::chrono::{DateTime, Utc};
/// use customer_care_postgres::Database;
///
/// let db = Database::connect("host=localhost user=postgres dbname=care")?;
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
    /// [`RowError::Corrupt`](crate::RowError) for an entry that does not decode; [`StoreError::Postgres`].
    pub fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = self.db.client()?.query(
            "SELECT position, kind, stream, version, seq, effect::text FROM outbox WHERE done_at IS NULL
             ORDER BY position LIMIT $1",
            &[&i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let (position, kind, stream, version, seq, effect): (i64, String, Uuid, i64, i32, String) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?);
            entries.push(OutboxEntry::from_row(position, kind, stream, version, i64::from(seq), &effect)?);
        }
        Ok(entries)
    }

    /// Marks an entry delivered at `at`; `false` when it was not pending (already done, or unknown).
    ///
    /// # Errors
    ///
    /// [`StoreError::Postgres`].
    pub fn mark_done(&self, key: &OutboxKey, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.db.client()?.execute(
            "UPDATE outbox SET done_at = $5
             WHERE kind = $1 AND stream = $2 AND version = $3 AND seq = $4 AND done_at IS NULL",
            &[
                &key.kind,
                &key.stream,
                &i64::try_from(key.version).unwrap_or(i64::MAX),
                &i32::try_from(key.seq).unwrap_or(i32::MAX),
                &to_micros_ceil(at),
            ],
        )?;
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
    /// [`StoreError::Postgres`].
    pub fn pending_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.db.client()?.query_one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL", &[])?.get(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
