//! Per-order records of an account.

use serde::{Deserialize, Serialize};

use crate::id::OrderId;

/// A record kept per order, which can take in a later record of the same order.
///
/// Applying an event appends its order's record without looking the order up; the index folds the appended
/// records in afterwards, merging each into an earlier record of the same order with [`absorb`](Self::absorb).
pub(crate) trait OrderRecord: Default {
    /// Merges `later`, appended after `self` for the same order, into `self`.
    fn absorb(&mut self, later: Self);
}

/// Records keyed by order: a `Vec` in insertion order, found through an open-addressing table of fixed FNV-1a hashes
/// of the order ids (a large account compares `u64`s instead of strings, and inserting appends instead of growing a
/// tree). A one-byte tag per slot (7 bits of the hash) lets a probe for a new order, the common case, read only the
/// small tag array, which stays in cache where the slots would not. Deterministic: no random state, and the table
/// is only probed, never iterated.
///
/// Records are [appended](Self::append) unindexed and [folded](Self::fold) into the table later: once per applied
/// commit, or once at the end of a replay. Each fold is a tight loop over precomputed hashes whose probes are
/// independent of each other, so the processor overlaps their cache misses; probing the table once per event in
/// between everything else an event does, it cannot (for a replay of 500,000 orders this is most of the time).
///
/// Serialized as a list of `(order, record)` pairs: first, by increasing hash, the first order inserted with each
/// hash; then the orders whose hash was already taken, in insertion order. Re-indexed when deserialized.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "Vec<(OrderId, V)>", into = "Vec<(OrderId, V)>")]
#[serde(bound(serialize = "V: Serialize + Clone + OrderRecord", deserialize = "V: Deserialize<'de> + OrderRecord"))]
pub(crate) struct OrderIndex<V> {
    records: Vec<(OrderId, V)>,
    /// Linear-probing table of `(mix(hash), position in records)`, valid where the tag is not `EMPTY`. Its length is
    /// zero or a power of two, at most half full once folded.
    slots: Vec<(u32, u32)>,
    /// Per slot: `EMPTY`, or `tag(hash)` of the record there.
    tags: Vec<u8>,
    /// The hashes of the last `unindexed.len()` records, appended but not yet in the table (nor merged with an
    /// earlier record of their order). Empty whenever the index is read.
    unindexed: Vec<u64>,
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
        Self { records: Vec::new(), slots: Vec::new(), tags: Vec::new(), unindexed: Vec::new() }
    }
}

/// The position in `records` of `order` (whose hash is `hash`), or else the free slot where it would go
/// (`usize::MAX` without a table).
fn probe<V>(
    tags: &[u8],
    slots: &[(u32, u32)],
    records: &[(OrderId, V)],
    order: &OrderId,
    hash: u64,
) -> Result<usize, usize> {
    if tags.is_empty() {
        return Err(usize::MAX);
    }
    let (wanted, mixed) = (tag(hash), mix(hash));
    let mask = tags.len() - 1;
    let mut i = home(mixed, tags.len());
    loop {
        let Some(&t) = tags.get(i) else { return Err(usize::MAX) };
        if t == EMPTY {
            return Err(i);
        }
        if t == wanted
            && let Some(&(m, pos)) = slots.get(i)
            && m == mixed
            && records.get(pos as usize).is_some_and(|(id, _)| id == order)
        {
            return Ok(pos as usize);
        }
        i = (i + 1) & mask;
    }
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

/// The table length for `count` records: a power of two, at least 16, at most half full.
fn table_len(count: usize) -> usize {
    count.saturating_mul(2).checked_next_power_of_two().unwrap_or(usize::MAX).max(16)
}

/// Moves the table's entries into a table of `len` slots. In slot order: with `home` taking the leading bits, the
/// new table fills front to back.
fn rehash(tags: &mut Vec<u8>, slots: &mut Vec<(u32, u32)>, len: usize) {
    let (mut new_tags, mut new_slots) = (vec![EMPTY; len], vec![(0, 0); len]);
    for (&(m, p), &t) in slots.iter().zip(tags.iter()).filter(|(_, t)| **t != EMPTY) {
        place(&mut new_tags, &mut new_slots, t, m, p);
    }
    (*tags, *slots) = (new_tags, new_slots);
}

impl<V> OrderIndex<V> {
    /// The position of `order` in `records`. Accounts fold before they read; should a record still be unfolded,
    /// the appended records are searched too (its first record, before any absorbing), so a read is never wrong
    /// about whether an order has a record.
    fn position(&self, order: &OrderId) -> Option<usize> {
        debug_assert!(self.unindexed.is_empty(), "an order index is read before its appended records are folded");
        let found = probe(&self.tags, &self.slots, &self.records, order, fnv1a(order)).ok();
        let start = self.records.len().saturating_sub(self.unindexed.len());
        found.or_else(|| (start..self.records.len()).find(|&i| self.records.get(i).is_some_and(|(o, _)| o == order)))
    }

    /// The record of `order`.
    pub(crate) fn get(&self, order: &OrderId) -> Option<&V> {
        self.position(order).and_then(|i| self.records.get(i)).map(|(_, v)| v)
    }

    /// Whether `order` has a record.
    pub(crate) fn contains(&self, order: &OrderId) -> bool {
        self.position(order).is_some()
    }
}

impl<V: OrderRecord> OrderIndex<V> {
    /// Appends the record of `order`, to be merged into an earlier record of the same order (if any) by the next
    /// [`fold`](Self::fold).
    pub(crate) fn append(&mut self, order: OrderId, value: V) {
        self.unindexed.push(fnv1a(&order));
        self.records.push((order, value));
    }

    /// Indexes the appended records, in the order they were appended: each either takes a free slot or is absorbed
    /// by the earlier record of its order and dropped. O(appended records): the kept ones move down over the
    /// dropped ones as the loop goes, so every slot is written once, with the record's final position.
    pub(crate) fn fold(&mut self) {
        if self.unindexed.is_empty() {
            return;
        }
        let start = self.records.len().saturating_sub(self.unindexed.len());
        let mut hashes = std::mem::take(&mut self.unindexed);
        // Room for every appended record, as if none were absorbed (shrunk below if many were).
        if table_len(self.records.len()) > self.tags.len() {
            rehash(&mut self.tags, &mut self.slots, table_len(self.records.len()));
        }
        // Invariant at each step: records[..write] are final (the table holds them all), records[write..read] are
        // absorbed leftovers, records[read..] are still to fold.
        let mut write = start;
        for (read, &hash) in (start..).zip(&hashes) {
            if write != read {
                self.records.swap(write, read);
            }
            let Some((order, _)) = self.records.get(write) else { break };
            match probe(&self.tags, &self.slots, &self.records, order, hash) {
                Ok(earlier) => {
                    let later = self.records.get_mut(write).map(|(_, v)| std::mem::take(v)).unwrap_or_default();
                    if let Some((_, record)) = self.records.get_mut(earlier) {
                        record.absorb(later);
                    }
                }
                Err(free) => {
                    // More than u32::MAX orders would not fit in memory anyway.
                    let pos32 = u32::try_from(write).unwrap_or(u32::MAX);
                    if let (Some(t), Some(slot)) = (self.tags.get_mut(free), self.slots.get_mut(free)) {
                        *t = tag(hash);
                        *slot = (mix(hash), pos32);
                    }
                    write += 1;
                }
            }
        }
        self.records.truncate(write);
        // Many records absorbed (a replay of orders redeemed again and again): size the table by the orders.
        if self.tags.len() > 4 * table_len(write) {
            rehash(&mut self.tags, &mut self.slots, table_len(write));
        }
        // Keep the buffer of a commit-by-commit account; drop the one a long replay grew.
        if hashes.capacity() <= 1024 {
            hashes.clear();
            self.unindexed = hashes;
        }
    }

    /// The record of `order`, after folding.
    pub(crate) fn get_mut(&mut self, order: &OrderId) -> Option<&mut V> {
        self.fold();
        self.position(order).and_then(|i| self.records.get_mut(i)).map(|(_, v)| v)
    }
}

impl<V: OrderRecord + Clone + PartialEq> PartialEq for OrderIndex<V> {
    /// The same orders with equal records, whatever the table's layout or whether appended records were folded.
    fn eq(&self, other: &Self) -> bool {
        if !self.unindexed.is_empty() || !other.unindexed.is_empty() {
            let folded = |index: &Self| {
                let mut index = index.clone();
                index.fold();
                index
            };
            return folded(self) == folded(other);
        }
        self.records.len() == other.records.len() && self.records.iter().all(|(order, v)| other.get(order) == Some(v))
    }
}

impl<V: OrderRecord + Clone + Eq> Eq for OrderIndex<V> {}

impl<V: std::fmt::Debug> std::fmt::Debug for OrderIndex<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.records.iter().map(|(order, v)| (order, v))).finish()
    }
}

impl<V: OrderRecord> From<Vec<(OrderId, V)>> for OrderIndex<V> {
    /// Indexes `records`; a repeated order is absorbed by its first record.
    fn from(records: Vec<(OrderId, V)>) -> Self {
        let unindexed = records.iter().map(|(order, _)| fnv1a(order)).collect();
        let mut index = Self { records, unindexed, ..Self::default() };
        index.fold();
        index
    }
}

impl<V: OrderRecord> From<OrderIndex<V>> for Vec<(OrderId, V)> {
    fn from(mut index: OrderIndex<V>) -> Self {
        index.fold();
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
    use proptest::prelude::*;

    use super::*;

    /// A record that keeps every value appended for its order, in order.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    struct Seen(Vec<u32>);

    impl OrderRecord for Seen {
        fn absorb(&mut self, later: Self) {
            self.0.extend(later.0);
        }
    }

    fn order(s: &str) -> OrderId {
        OrderId::new(s).unwrap()
    }

    fn seen(values: &[u32]) -> Seen {
        Seen(values.to_vec())
    }

    #[test]
    fn folds_appended_records_into_the_first_record_of_their_order_and_serializes_by_hash() {
        let mut index = OrderIndex::default();
        for n in 0..100 {
            index.append(order(&format!("R-{n}")), seen(&[n]));
        }
        index.fold();
        index.append(order("R-7"), seen(&[700]));
        index.append(order("X"), seen(&[41]));
        index.append(order("R-7"), seen(&[701]));
        index.append(order("Y"), seen(&[42]));
        index.fold();
        assert_eq!(index.get(&order("R-7")), Some(&seen(&[7, 700, 701])));
        assert_eq!(index.get(&order("X")), Some(&seen(&[41])));
        assert_eq!(index.get(&order("Y")), Some(&seen(&[42])));
        assert!(!index.contains(&order("R-100")));
        // The absorbed records are gone and the ones after them still found.
        assert_eq!(index.records.len(), 102);
        assert_eq!(index.records.last().map(|(o, _)| o.as_str()), Some("Y"));
        let list: Vec<(OrderId, Seen)> = index.clone().into();
        assert_eq!(list.len(), 102);
        assert!(list.windows(2).all(|w| fnv1a(&w[0].0) < fnv1a(&w[1].0)));
        assert_eq!(OrderIndex::from(list), index);
    }

    #[test]
    fn many_records_of_few_orders_fold_into_a_table_sized_by_the_orders() {
        let mut index = OrderIndex::default();
        for n in 0..10_000_u32 {
            index.append(order(&format!("R-{}", n % 10)), seen(&[n]));
        }
        index.fold();
        assert_eq!(index.records.len(), 10);
        assert!(index.tags.len() <= 32, "{}", index.tags.len());
        let values = &index.get(&order("R-3")).unwrap().0;
        assert_eq!(values.len(), 1_000);
        assert!(values.iter().all(|v| v % 10 == 3) && values.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn get_mut_folds_first_and_equality_ignores_folding() {
        let mut eager = OrderIndex::default();
        let mut lazy = OrderIndex::default();
        for (o, v) in [("A", 1), ("B", 2), ("A", 3)] {
            eager.append(order(o), seen(&[v]));
            eager.fold();
            lazy.append(order(o), seen(&[v]));
        }
        assert_eq!(lazy, eager);
        lazy.get_mut(&order("A")).unwrap().0.push(4);
        assert_eq!(lazy.get(&order("A")), Some(&seen(&[1, 3, 4])));
        assert_ne!(lazy, eager);
    }

    /// An operation on an index: append `value` for order `order % orders`, or fold.
    fn op() -> impl Strategy<Value = Option<(u8, u32)>> {
        prop_oneof![1 => Just(None), 4 => (0u8..40, any::<u32>()).prop_map(Some)]
    }

    proptest! {
        /// Folding at any moments gives the index that folding after every append gives: the same records, in the
        /// order their orders first appeared, each holding every value appended for it; the same serialized form.
        #[test]
        fn folding_late_equals_folding_at_once(ops in proptest::collection::vec(op(), 0..400)) {
            let mut late = OrderIndex::default();
            let mut at_once = OrderIndex::default();
            let mut model: Vec<(String, Vec<u32>)> = Vec::new();
            for op in &ops {
                let Some((o, value)) = *op else {
                    late.fold();
                    continue;
                };
                let name = format!("HD-{o}");
                late.append(order(&name), seen(&[value]));
                at_once.append(order(&name), seen(&[value]));
                at_once.fold();
                match model.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, values)) => values.push(value),
                    None => model.push((name, vec![value])),
                }
            }
            late.fold();
            let records = |index: &OrderIndex<Seen>| {
                index.records.iter().map(|(o, v)| (o.as_str().to_owned(), v.0.clone())).collect::<Vec<_>>()
            };
            prop_assert_eq!(records(&late), model.clone());
            prop_assert_eq!(records(&at_once), model.clone());
            for (name, values) in &model {
                prop_assert_eq!(late.get(&order(name)), Some(&Seen(values.clone())));
            }
            prop_assert!(!late.contains(&order("HD-40")));
            prop_assert_eq!(
                serde_json::to_string(&late).unwrap(),
                serde_json::to_string(&at_once).unwrap()
            );
        }
    }
}
