//! The outbox: effects written with their commits, handed to a deliverer at least once, in order per stream.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::database::Database;
use crate::error::{StoreError, version_from_sql};
use crate::schedule::to_micros_ceil;

/// An effect's stable identity: the commit that caused it and its place among that commit's effects. The same
/// effect always has the same key, however often it is handed out, so a deliverer deduplicates on it (an SMS
/// gateway's idempotency key, a unique index in the mail queue).
///
/// ```
/// use customer_care_postgres::OutboxKey;
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

/// What one [`Outbox::drain`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drained {
    /// Entries delivered and marked done.
    pub delivered: usize,
    /// Entries the deliverer refused, with its message: still pending, handed out again next time.
    pub failed: Vec<(OutboxKey, String)>,
    /// Later entries of a stream with a failed entry, left pending so the stream's order holds.
    pub held_back: usize,
}

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
    /// [`StoreError::Corrupt`] for an entry that does not decode; [`StoreError::Postgres`].
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
            let corrupt = |detail: String| StoreError::Corrupt {
                table: "outbox",
                kind: kind.clone(),
                stream,
                version: u64::try_from(version).unwrap_or(0),
                detail,
            };
            let effect = serde_json::from_str(&effect).map_err(|e| corrupt(e.to_string()))?;
            let seq = u32::try_from(seq).map_err(|_| corrupt(format!("seq {seq}")))?;
            let position = u64::try_from(position).map_err(|_| corrupt(format!("position {position}")))?;
            let version = version_from_sql("outbox", &kind, stream, version)?;
            entries.push(OutboxEntry { position, key: OutboxKey { kind, stream, version, seq }, effect });
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
        mut deliver: impl FnMut(&OutboxEntry) -> Result<(), D>,
    ) -> Result<Drained, StoreError> {
        let mut drained = Drained::default();
        let mut blocked: BTreeSet<(String, Uuid)> = BTreeSet::new();
        for entry in self.pending(limit)? {
            let stream = (entry.key.kind.clone(), entry.key.stream);
            if blocked.contains(&stream) {
                drained.held_back += 1;
                continue;
            }
            match deliver(&entry) {
                Ok(()) => {
                    self.mark_done(&entry.key, at)?;
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
