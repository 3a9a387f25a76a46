//! The outbox: effects written with their commits, handed to a deliverer at least once, in order per stream.

use crate::database::Database;

/// The outbox of a [`Database`]: every kind's effects (see
/// [`Store::with_effects`](customer_care_storage::Store::with_effects)).
///
/// Delivery is at least once: an entry stays pending until marked done, so a deliverer that dies between sending
/// and [`mark_done`](customer_care_storage::Outbox::mark_done) sends it again (deduplicate on
/// [`OutboxKey`](crate::OutboxKey)). Run one deliverer per database (per shard) to keep each stream's effects in
/// order. Delivered entries stay until [`delete_done`](customer_care_storage::Outbox::delete_done) removes those
/// done before a given instant.
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
pub type Outbox = customer_care_storage::Outbox<Database>;

impl Database {
    /// The outbox.
    pub fn outbox(&self) -> Outbox {
        Outbox::new(self.clone())
    }
}
