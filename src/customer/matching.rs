//! Match keys for finding duplicate customer records.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::aggregate::Customer;
use super::phone::PhoneNumber;
use super::redact::redacted;
use crate::id::CustomerId;

/// A normalised contact point that identifies a person across records: the same phone number in E.164, or the
/// same e-mail address lower-cased. `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchKey {
    /// A phone number.
    Phone(PhoneNumber),
    /// An e-mail address, lower-cased.
    Email(String),
}

impl fmt::Debug for MatchKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Phone(_) => redacted(f, "MatchKey::Phone"),
            Self::Email(_) => redacted(f, "MatchKey::Email"),
        }
    }
}

impl Customer {
    /// The record's match keys: every phone and e-mail, normalised. Empty once erased.
    pub fn match_keys(&self) -> BTreeSet<MatchKey> {
        let profile = self.profile();
        let phones = profile.phones.iter().cloned().map(MatchKey::Phone);
        let emails = profile.emails.iter().map(|e| MatchKey::Email(e.match_key()));
        phones.chain(emails).collect()
    }
}

/// Records that share a match key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// The shared key.
    pub key: MatchKey,
    /// The records sharing it (two or more), by id.
    pub customers: BTreeSet<CustomerId>,
}

/// Every match key shared by two or more of `customers`, in key order: candidates for a merge that a person
/// should confirm (family members share phones).
pub fn duplicate_groups<'a>(customers: impl IntoIterator<Item = &'a Customer>) -> Vec<DuplicateGroup> {
    let mut by_key: BTreeMap<MatchKey, BTreeSet<CustomerId>> = BTreeMap::new();
    for customer in customers {
        for key in customer.match_keys() {
            by_key.entry(key).or_default().insert(customer.id());
        }
    }
    by_key
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(key, customers)| DuplicateGroup { key, customers })
        .collect()
}
