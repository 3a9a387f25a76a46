//! The customer aggregate.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::consent::{Channel, ConsentRecord, ConsentSource, Consents, Purpose};
use super::dates::{AnnualDate, OccasionKind};
use super::error::CustomerError;
use super::preferences::{MAX_INTERESTS, Preferences, PreferencesPatch};
use super::profile::{Profile, ProfilePatch};
use super::purchases::PurchaseHistory;
use super::purchases::{ActivitySummary, Purchase, PurchaseEntry, Refund};
use crate::id::{CustomerId, OrderId};
use crate::stream::{self, Aggregate, Command, Commit, Decision, StreamState};

/// What the host asks of a customer record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomerCommand {
    /// Create the record. Must be the first command.
    Register {
        /// Personal details (may be empty: a walk-in customer known by id only).
        profile: Profile,
        /// When the customer joined, if not the command's `issued_at` (importing existing members).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registered_at: Option<DateTime<Utc>>,
    },
    /// Change some profile fields.
    UpdateProfile {
        /// The fields to change; must not be empty.
        patch: ProfilePatch,
    },
    /// Set (or replace) the date of a yearly occasion.
    SetImportantDate {
        /// Which occasion.
        kind: OccasionKind,
        /// Its date.
        date: AnnualDate,
    },
    /// Remove a yearly occasion.
    RemoveImportantDate {
        /// Which occasion.
        kind: OccasionKind,
    },
    /// Allow contact on a channel for a purpose.
    GrantConsent {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// Where the consent was captured.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<ConsentSource>,
    },
    /// Withdraw consent on a channel for a purpose.
    RevokeConsent {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// Where the withdrawal was captured.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<ConsentSource>,
    },
    /// Change some contact preferences.
    SetPreferences {
        /// The fields to change; must not be empty.
        patch: PreferencesPatch,
    },
    /// Record a purchase.
    RecordPurchase(Purchase),
    /// Record a refund of a recorded purchase.
    RecordRefund(Refund),
    /// Erase personal data (right to erasure).
    Erase,
}

impl CustomerCommand {
    /// Whether the body holds personal data, and so is forgotten from the idempotency window on erasure.
    pub fn holds_personal_data(&self) -> bool {
        matches!(
            self,
            Self::Register { .. }
                | Self::UpdateProfile { .. }
                | Self::SetImportantDate { .. }
                | Self::SetPreferences { .. }
        )
    }
}

/// What happened to a customer record. Events carry everything needed to replay; their time is the commit's
/// `issued_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomerEvent {
    /// The record was created.
    Registered {
        /// Personal details.
        profile: Profile,
        /// When the customer joined.
        registered_at: DateTime<Utc>,
    },
    /// Profile fields changed.
    ProfileUpdated {
        /// The change.
        patch: ProfilePatch,
    },
    /// An occasion's date was set.
    ImportantDateSet {
        /// Which occasion.
        kind: OccasionKind,
        /// Its date.
        date: AnnualDate,
    },
    /// An occasion was removed.
    ImportantDateRemoved {
        /// Which occasion.
        kind: OccasionKind,
    },
    /// Consent was granted.
    ConsentGranted {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// Where it was captured.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<ConsentSource>,
    },
    /// Consent was revoked.
    ConsentRevoked {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// Where it was captured.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<ConsentSource>,
    },
    /// Preferences changed.
    PreferencesUpdated {
        /// The change.
        patch: PreferencesPatch,
    },
    /// A purchase was recorded.
    PurchaseRecorded(Purchase),
    /// A refund was recorded.
    RefundRecorded(Refund),
    /// Personal data was erased.
    Erased,
}

/// Where a customer record is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CustomerStatus {
    /// No registration yet.
    Unregistered,
    /// Registered and not erased.
    Active,
    /// Personal data erased.
    Erased {
        /// When the erasure was decided.
        erased_at: DateTime<Utc>,
    },
}

/// A customer record: an event-sourced aggregate.
///
/// Build an empty one with [`Customer::new`], then `decide` commands and `apply` the commits the host stored, or
/// rebuild it with [`Customer::replay`] (or from a serialized snapshot plus the commits after it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    id: CustomerId,
    stream: StreamState<CustomerCommand>,
    status: CustomerStatus,
    registered_at: Option<DateTime<Utc>>,
    profile: Profile,
    #[serde(with = "occasion_list")]
    important_dates: BTreeMap<OccasionKind, AnnualDate>,
    consents: Consents,
    preferences: Preferences,
    purchases: PurchaseHistory,
}

impl Customer {
    /// An unregistered record at version 0.
    pub fn new(id: CustomerId) -> Self {
        Self {
            id,
            stream: StreamState::new(),
            status: CustomerStatus::Unregistered,
            registered_at: None,
            profile: Profile::default(),
            important_dates: BTreeMap::new(),
            consents: Consents::default(),
            preferences: Preferences::default(),
            purchases: PurchaseHistory::default(),
        }
    }

    /// Rebuilds a record from its commits.
    ///
    /// # Errors
    ///
    /// [`CustomerError::Stream`] with [`StreamError::VersionGap`](crate::StreamError::VersionGap) when the log has
    /// a gap.
    pub fn replay<'a>(
        id: CustomerId,
        commits: impl IntoIterator<Item = &'a Commit<CustomerCommand, CustomerEvent>>,
    ) -> Result<Self, CustomerError> {
        Ok(stream::replay(Self::new(id), commits)?)
    }

    /// The customer's id.
    pub const fn id(&self) -> CustomerId {
        self.id
    }

    /// The version of the last applied commit.
    pub const fn version(&self) -> u64 {
        self.stream.version()
    }

    /// The decision time of the last applied commit: stamp new commands no earlier.
    pub const fn last_issued_at(&self) -> Option<DateTime<Utc>> {
        self.stream.last_issued_at()
    }

    /// Registration status.
    pub const fn status(&self) -> CustomerStatus {
        self.status
    }

    /// Registered and not erased.
    pub const fn is_active(&self) -> bool {
        matches!(self.status, CustomerStatus::Active)
    }

    /// When the customer joined.
    pub const fn registered_at(&self) -> Option<DateTime<Utc>> {
        self.registered_at
    }

    /// Personal details.
    pub const fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Yearly occasions by kind.
    pub const fn important_dates(&self) -> &BTreeMap<OccasionKind, AnnualDate> {
        &self.important_dates
    }

    /// Consents.
    pub const fn consents(&self) -> &Consents {
        &self.consents
    }

    /// Contact preferences.
    pub const fn preferences(&self) -> &Preferences {
        &self.preferences
    }

    /// Purchases in recording order.
    pub fn purchases(&self) -> &[PurchaseEntry] {
        self.purchases.entries()
    }

    /// One purchase by order id.
    pub fn purchase(&self, order_id: &OrderId) -> Option<&PurchaseEntry> {
        self.purchases.get(order_id)
    }

    /// First and last purchase, orders, spend per currency, average order value, and time since the last purchase
    /// as of `as_of`.
    pub fn activity_summary(&self, as_of: DateTime<Utc>) -> ActivitySummary {
        self.purchases.summary(as_of)
    }

    fn require_registered(&self) -> Result<(), CustomerError> {
        match self.status {
            CustomerStatus::Unregistered => Err(CustomerError::NotRegistered { customer_id: self.id }),
            _ => Ok(()),
        }
    }

    fn require_personal(&self) -> Result<(), CustomerError> {
        match self.status {
            CustomerStatus::Active => Ok(()),
            CustomerStatus::Unregistered => Err(CustomerError::NotRegistered { customer_id: self.id }),
            CustomerStatus::Erased { erased_at } => Err(CustomerError::Erased { customer_id: self.id, erased_at }),
        }
    }

    /// Decides a command. Pure: no I/O, no clock, no randomness.
    ///
    /// # Errors
    ///
    /// Any [`CustomerError`] naming the rule broken; a rejected command changes nothing.
    pub fn decide(
        &self,
        command: &Command<CustomerCommand>,
    ) -> Result<Decision<CustomerCommand, CustomerEvent>, CustomerError> {
        if let Some(version) = self.stream.check(command)? {
            return Ok(Decision::Duplicate { version });
        }
        let event = self.decide_event(command)?;
        Ok(Decision::Accepted(self.stream.commit(command, vec![event])))
    }

    fn decide_event(&self, command: &Command<CustomerCommand>) -> Result<CustomerEvent, CustomerError> {
        use CustomerCommand as C;
        Ok(match &command.body {
            C::Register { profile, registered_at } => {
                match self.status {
                    CustomerStatus::Unregistered => {}
                    CustomerStatus::Active => return Err(CustomerError::AlreadyRegistered { customer_id: self.id }),
                    CustomerStatus::Erased { erased_at } => {
                        return Err(CustomerError::Erased { customer_id: self.id, erased_at });
                    }
                }
                profile.validate()?;
                CustomerEvent::Registered {
                    profile: profile.clone(),
                    registered_at: registered_at.unwrap_or(command.issued_at),
                }
            }
            C::UpdateProfile { patch } => {
                self.require_personal()?;
                if patch.is_empty() {
                    return Err(CustomerError::EmptyPatch);
                }
                let mut next = self.profile.clone();
                next.apply(patch);
                next.validate()?;
                CustomerEvent::ProfileUpdated { patch: patch.clone() }
            }
            C::SetImportantDate { kind, date } => {
                self.require_personal()?;
                CustomerEvent::ImportantDateSet { kind: kind.clone(), date: *date }
            }
            C::RemoveImportantDate { kind } => {
                self.require_personal()?;
                if !self.important_dates.contains_key(kind) {
                    return Err(CustomerError::OccasionNotFound { kind: kind.clone() });
                }
                CustomerEvent::ImportantDateRemoved { kind: kind.clone() }
            }
            C::GrantConsent { channel, purpose, source } => {
                self.require_personal()?;
                CustomerEvent::ConsentGranted { channel: *channel, purpose: *purpose, source: source.clone() }
            }
            C::RevokeConsent { channel, purpose, source } => {
                self.require_personal()?;
                CustomerEvent::ConsentRevoked { channel: *channel, purpose: *purpose, source: source.clone() }
            }
            C::SetPreferences { patch } => {
                self.require_personal()?;
                if patch.is_empty() {
                    return Err(CustomerError::EmptyPatch);
                }
                if let Some(tags) = &patch.interests
                    && tags.len() > MAX_INTERESTS
                {
                    return Err(CustomerError::TooManyInterests { count: tags.len(), max: MAX_INTERESTS });
                }
                CustomerEvent::PreferencesUpdated { patch: patch.clone() }
            }
            C::RecordPurchase(purchase) => {
                self.require_registered()?;
                if purchase.purchased_at > command.issued_at {
                    return Err(CustomerError::PurchaseInFuture {
                        order_id: purchase.order_id.clone(),
                        purchased_at: purchase.purchased_at,
                        issued_at: command.issued_at,
                    });
                }
                self.purchases.check_purchase(purchase)?;
                CustomerEvent::PurchaseRecorded(purchase.clone())
            }
            C::RecordRefund(refund) => {
                self.require_registered()?;
                let purchased_at = self.purchases.check_refund(refund)?;
                if refund.refunded_at < purchased_at || refund.refunded_at > command.issued_at {
                    return Err(CustomerError::RefundOutOfOrder {
                        order_id: refund.order_id.clone(),
                        refunded_at: refund.refunded_at,
                        purchased_at,
                        issued_at: command.issued_at,
                    });
                }
                CustomerEvent::RefundRecorded(refund.clone())
            }
            C::Erase => {
                self.require_personal()?;
                CustomerEvent::Erased
            }
        })
    }

    /// Applies a commit the host has stored. Infallible: its events were validated when decided.
    pub fn apply(&mut self, commit: &Commit<CustomerCommand, CustomerEvent>) {
        self.stream.record(commit);
        let at = commit.command.issued_at;
        for event in &commit.events {
            self.apply_event(event, at);
        }
    }

    fn apply_event(&mut self, event: &CustomerEvent, at: DateTime<Utc>) {
        use CustomerEvent as E;
        match event {
            E::Registered { profile, registered_at } => {
                self.status = CustomerStatus::Active;
                self.registered_at = Some(*registered_at);
                self.profile = profile.clone();
            }
            E::ProfileUpdated { patch } => self.profile.apply(patch),
            E::ImportantDateSet { kind, date } => {
                self.important_dates.insert(kind.clone(), *date);
            }
            E::ImportantDateRemoved { kind } => {
                self.important_dates.remove(kind);
            }
            E::ConsentGranted { channel, purpose, source } | E::ConsentRevoked { channel, purpose, source } => {
                let granted = matches!(event, E::ConsentGranted { .. });
                self.consents.set(ConsentRecord {
                    channel: *channel,
                    purpose: *purpose,
                    granted,
                    decided_at: at,
                    source: source.clone(),
                });
            }
            E::PreferencesUpdated { patch } => self.preferences.apply(patch),
            E::PurchaseRecorded(purchase) => self.purchases.push(purchase),
            E::RefundRecorded(refund) => self.purchases.refund(refund),
            E::Erased => {
                self.status = CustomerStatus::Erased { erased_at: at };
                self.profile = Profile::default();
                self.important_dates.clear();
                self.consents.clear();
                self.preferences = Preferences::default();
                self.stream.forget_bodies(CustomerCommand::holds_personal_data);
            }
        }
    }
}

impl Aggregate for Customer {
    type Context = ();
    type Command = CustomerCommand;
    type Event = CustomerEvent;
    type Error = CustomerError;

    fn decide(
        &self,
        _: &(),
        command: &Command<CustomerCommand>,
    ) -> Result<Decision<CustomerCommand, CustomerEvent>, CustomerError> {
        Self::decide(self, command)
    }

    fn apply(&mut self, commit: &Commit<CustomerCommand, CustomerEvent>) {
        Self::apply(self, commit);
    }

    fn version(&self) -> u64 {
        self.stream.version()
    }

    fn last_issued_at(&self) -> Option<DateTime<Utc>> {
        self.stream.last_issued_at()
    }
}

/// Serializes the occasions map as a list of `{kind, date}`: JSON keys must be strings, and a custom kind is not.
mod occasion_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{AnnualDate, OccasionKind};

    #[derive(Serialize, Deserialize)]
    struct Entry {
        kind: OccasionKind,
        date: AnnualDate,
    }

    pub(super) fn serialize<S: Serializer>(map: &BTreeMap<OccasionKind, AnnualDate>, s: S) -> Result<S::Ok, S::Error> {
        let entries: Vec<Entry> = map.iter().map(|(kind, date)| Entry { kind: kind.clone(), date: *date }).collect();
        entries.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<OccasionKind, AnnualDate>, D::Error> {
        let entries = Vec::<Entry>::deserialize(d)?;
        Ok(entries.into_iter().map(|e| (e.kind, e.date)).collect())
    }
}
