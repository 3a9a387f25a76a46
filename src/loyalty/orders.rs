//! Per-order records of an account.

use serde::{Deserialize, Serialize};

use crate::id::OrderId;

/// Records keyed by order: a `Vec` in insertion order, found through an open-addressing table of fixed FNV-1a hashes
/// of the order ids (a large account compares `u64`s instead of strings, and inserting appends instead of growing a
/// tree). A one-byte tag per slot (7 bits of the hash) lets a probe for a new order, the common case, read only the
/// small tag array, which stays in cache where the slots would not. Deterministic: no random state, and the table
/// is only probed, never iterated.
///
/// Serialized as a list of `(order, record)` pairs: first, by increasing hash, the first order inserted with each
/// hash; then the orders whose hash was already taken, in insertion order. Re-indexed when deserialized.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "Vec<(OrderId, V)>", into = "Vec<(OrderId, V)>")]
#[serde(bound(serialize = "V: Serialize + Clone", deserialize = "V: Deserialize<'de>"))]
pub(crate) struct OrderIndex<V> {
    records: Vec<(OrderId, V)>,
    /// Linear-probing table of `(mix(hash), position in records)`, valid where the tag is not `EMPTY`. Its length is
    /// zero or a power of two, at most half full.
    slots: Vec<(u32, u32)>,
    /// Per slot: `EMPTY`, or `tag(hash)` of the record there.
    tags: Vec<u8>,
}

const EMPTY: u8 = 0;

/// A slot's tag: the high bit set (never `EMPTY`) and 7 low bits of the hash (`mix` uses the high bits).
fn tag(hash: u64) -> u8 {
    0x80 | (hash.to_le_bytes()[0] & 0x7f)
}

fn fnv1a(order: &OrderId) -> u64 {
    order
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The high 32 bits of the Fibonacci hash of `hash`: its leading bits pick a slot (`home`), and a slot keeps all
/// 32 to tell most other orders apart without reading their records.
fn mix(hash: u64) -> u32 {
    u32::try_from(hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32).unwrap_or(0)
}

/// The first slot to probe for `mix` in a table of `len` (a power of two) slots: its leading bits.
fn home(mix: u32, len: usize) -> usize {
    let bits = len.trailing_zeros();
    if bits == 0 {
        return 0;
    }
    usize::try_from(mix.checked_shr(32 - bits.min(32)).unwrap_or(0)).unwrap_or(0)
}

impl<V> Default for OrderIndex<V> {
    fn default() -> Self {
        Self { records: Vec::new(), slots: Vec::new(), tags: Vec::new() }
    }
}

impl<V> OrderIndex<V> {
    /// The position of `order` (whose hash is `hash`) in `records`, or else the free slot where it would go
    /// (`usize::MAX` without a table).
    fn find(&self, order: &OrderId, hash: u64) -> Result<usize, usize> {
        if self.tags.is_empty() {
            return Err(usize::MAX);
        }
        let (wanted, mixed) = (tag(hash), mix(hash));
        let mask = self.tags.len() - 1;
        let mut i = home(mixed, self.tags.len());
        loop {
            let Some(&t) = self.tags.get(i) else { return Err(usize::MAX) };
            if t == EMPTY {
                return Err(i);
            }
            if t == wanted
                && let Some(&(m, pos)) = self.slots.get(i)
                && m == mixed
                && self.records.get(pos as usize).is_some_and(|(id, _)| id == order)
            {
                return Ok(pos as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// The position of `order` in `records`.
    fn position(&self, order: &OrderId) -> Option<usize> {
        self.find(order, fnv1a(order)).ok()
    }

    /// Puts `(mix, pos)` with its tag into the first free slot of its probe sequence (the table must have room).
    fn place(tags: &mut [u8], slots: &mut [(u32, u32)], tag: u8, mix: u32, pos: u32) {
        let mask = tags.len().wrapping_sub(1);
        let mut i = home(mix, tags.len());
        while let Some(t) = tags.get_mut(i) {
            if *t == EMPTY {
                *t = tag;
                if let Some(slot) = slots.get_mut(i) {
                    *slot = (mix, pos);
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Appends a record for an order not yet present, whose hash is `hash` and whose free slot `find` returned.
    fn push(&mut self, order: OrderId, value: V, hash: u64, free: usize) -> usize {
        let pos = self.records.len();
        // More than u32::MAX orders would not fit in memory anyway.
        let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
        if (pos + 1) * 2 > self.tags.len() {
            let len = (self.tags.len() * 2).max(16);
            let (mut tags, mut slots) = (vec![EMPTY; len], vec![(0, 0); len]);
            // In slot order: with `home` taking the leading bits, the new table fills front to back.
            for (&(m, p), &t) in self.slots.iter().zip(&self.tags).filter(|(_, t)| **t != EMPTY) {
                Self::place(&mut tags, &mut slots, t, m, p);
            }
            Self::place(&mut tags, &mut slots, tag(hash), mix(hash), pos32);
            (self.tags, self.slots) = (tags, slots);
        } else if let (Some(t), Some(slot)) = (self.tags.get_mut(free), self.slots.get_mut(free)) {
            *t = tag(hash);
            *slot = (mix(hash), pos32);
        } else {
            Self::place(&mut self.tags, &mut self.slots, tag(hash), mix(hash), pos32);
        }
        self.records.push((order, value));
        pos
    }

    pub(crate) fn get(&self, order: &OrderId) -> Option<&V> {
        self.position(order).and_then(|i| self.records.get(i)).map(|(_, v)| v)
    }

    pub(crate) fn get_mut(&mut self, order: &OrderId) -> Option<&mut V> {
        self.position(order).and_then(|i| self.records.get_mut(i)).map(|(_, v)| v)
    }

    pub(crate) fn contains(&self, order: &OrderId) -> bool {
        self.position(order).is_some()
    }

    /// The record of `order`, inserted by `make` when absent (always `Some`).
    pub(crate) fn get_or_insert_with(&mut self, order: &OrderId, make: impl FnOnce() -> V) -> Option<&mut V> {
        let hash = fnv1a(order);
        let pos = match self.find(order, hash) {
            Ok(pos) => pos,
            Err(free) => self.push(order.clone(), make(), hash, free),
        };
        self.records.get_mut(pos).map(|(_, v)| v)
    }

    /// Inserts (or replaces) the record of `order`.
    pub(crate) fn insert(&mut self, order: OrderId, value: V) {
        let hash = fnv1a(&order);
        match self.find(&order, hash) {
            Ok(pos) => {
                if let Some((_, slot)) = self.records.get_mut(pos) {
                    *slot = value;
                }
            }
            Err(free) => {
                self.push(order, value, hash, free);
            }
        }
    }
}

impl<V: PartialEq> PartialEq for OrderIndex<V> {
    fn eq(&self, other: &Self) -> bool {
        self.records.len() == other.records.len() && self.records.iter().all(|(order, v)| other.get(order) == Some(v))
    }
}

impl<V: Eq> Eq for OrderIndex<V> {}

impl<V: std::fmt::Debug> std::fmt::Debug for OrderIndex<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.records.iter().map(|(order, v)| (order, v))).finish()
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
        // (hash, insertion position): the first position of each hash leads, by hash; the rest follow by position.
        let mut keys: Vec<(u64, usize)> = index.records.iter().enumerate().map(|(i, (o, _))| (fnv1a(o), i)).collect();
        keys.sort_unstable();
        let mut first = Vec::with_capacity(keys.len());
        let mut later = Vec::new();
        for (k, &(hash, pos)) in keys.iter().enumerate() {
            let repeated = k > 0 && keys.get(k - 1).is_some_and(|&(h, _)| h == hash);
            if repeated { later.push(pos) } else { first.push(pos) }
        }
        later.sort_unstable();
        let mut slots: Vec<Option<(OrderId, V)>> = index.records.into_iter().map(Some).collect();
        first.into_iter().chain(later).filter_map(|pos| slots.get_mut(pos).and_then(Option::take)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(s: &str) -> OrderId {
        OrderId::new(s).unwrap()
    }

    #[test]
    fn finds_replaces_and_serializes_by_hash() {
        let mut index = OrderIndex::default();
        for n in 0..100 {
            index.insert(order(&format!("R-{n}")), n);
        }
        index.insert(order("R-7"), 700);
        *index.get_or_insert_with(&order("R-8"), || 0).unwrap() += 1;
        *index.get_or_insert_with(&order("X"), || 41).unwrap() += 1;
        assert_eq!(index.get(&order("R-7")), Some(&700));
        assert_eq!(index.get(&order("R-8")), Some(&9));
        assert_eq!(index.get(&order("X")), Some(&42));
        assert!(!index.contains(&order("R-100")));
        let list: Vec<(OrderId, i32)> = index.clone().into();
        assert_eq!(list.len(), 101);
        assert!(list.windows(2).all(|w| fnv1a(&w[0].0) < fnv1a(&w[1].0)));
        assert_eq!(OrderIndex::from(list), index);
    }
}
