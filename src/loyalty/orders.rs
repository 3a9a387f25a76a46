//! Per-order records of an account.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::id::OrderId;

/// Records keyed by order, indexed by a fixed FNV-1a hash of the order id: a large account compares `u64`s instead
/// of strings on every lookup. Deterministic (no random state); collisions go to a short overflow list. Serialized
/// as a list of `(order, record)` pairs, oldest hash first, and re-indexed when deserialized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<(OrderId, V)>", into = "Vec<(OrderId, V)>")]
#[serde(bound(serialize = "V: Serialize + Clone", deserialize = "V: Deserialize<'de>"))]
pub(crate) struct OrderIndex<V> {
    primary: BTreeMap<u64, (OrderId, V)>,
    collided: Vec<(OrderId, V)>,
}

fn fnv1a(order: &OrderId) -> u64 {
    order
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

impl<V> Default for OrderIndex<V> {
    fn default() -> Self {
        Self { primary: BTreeMap::new(), collided: Vec::new() }
    }
}

impl<V> OrderIndex<V> {
    pub(crate) fn get(&self, order: &OrderId) -> Option<&V> {
        match self.primary.get(&fnv1a(order)) {
            Some((id, v)) if id == order => Some(v),
            Some(_) => self.collided.iter().find(|(id, _)| id == order).map(|(_, v)| v),
            None => None,
        }
    }

    pub(crate) fn get_mut(&mut self, order: &OrderId) -> Option<&mut V> {
        match self.primary.get_mut(&fnv1a(order)) {
            Some((id, v)) if id == order => Some(v),
            Some(_) => self.collided.iter_mut().find(|(id, _)| id == order).map(|(_, v)| v),
            None => None,
        }
    }

    pub(crate) fn contains(&self, order: &OrderId) -> bool {
        self.get(order).is_some()
    }

    /// The record of `order`, inserted by `make` when absent (always `Some`).
    pub(crate) fn get_or_insert_with(&mut self, order: &OrderId, make: impl FnOnce() -> V) -> Option<&mut V> {
        let h = fnv1a(order);
        let collides = self.primary.get(&h).is_some_and(|(id, _)| id != order);
        if !collides {
            return Some(&mut self.primary.entry(h).or_insert_with(|| (order.clone(), make())).1);
        }
        if !self.collided.iter().any(|(id, _)| id == order) {
            self.collided.push((order.clone(), make()));
        }
        self.collided.iter_mut().find(|(id, _)| id == order).map(|(_, v)| v)
    }

    /// Inserts (or replaces) the record of `order`.
    pub(crate) fn insert(&mut self, order: OrderId, value: V) {
        if let Some(slot) = self.get_mut(&order) {
            *slot = value;
            return;
        }
        match self.primary.entry(fnv1a(&order)) {
            std::collections::btree_map::Entry::Occupied(_) => self.collided.push((order, value)),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert((order, value));
            }
        }
    }
}

impl<V> From<Vec<(OrderId, V)>> for OrderIndex<V> {
    fn from(records: Vec<(OrderId, V)>) -> Self {
        let mut index = Self::default();
        for (order, value) in records {
            index.insert(order, value);
        }
        index
    }
}

impl<V> From<OrderIndex<V>> for Vec<(OrderId, V)> {
    fn from(index: OrderIndex<V>) -> Self {
        index.primary.into_values().chain(index.collided).collect()
    }
}
