//! The ordered sets behind the ledger's lot indexes.
//!
//! A ledger's index keys (lot ids, `(expiry, lot id)`, `(activation, lot id)`) almost always arrive in increasing
//! order, because lot ids grow with the commit version and rolling expiries grow with the decision time; and they
//! mostly leave from the front, because debits take the soonest-expiring lots first. A [`KeySet`] is built for that
//! shape: an append-only sorted run with tombstones, plus a small [`BTreeSet`] for the keys that arrive out of order.
//! Appending and removing are `O(1)` in the common case and `O(log n)` otherwise, against a B-tree insert into a
//! large tree for every credit.

use std::collections::BTreeSet;
use std::fmt;

/// An ordered set of `Copy` keys: a sorted run that new largest keys are appended to, and an overflow tree for the
/// rest.
///
/// Invariants:
/// - `run` is strictly increasing, tombstones included; `alive[i]` says whether `run[i]` is in the set.
/// - Every key before `head` is a tombstone; `run[head]` (if any) is alive.
/// - `overflow` and `run` are disjoint, and every overflow key is smaller than the last run key: between two
///   compactions the last run key never decreases, and a compaction empties `overflow` into `run`.
/// - `dead` counts the tombstones; `len` counts the keys in the set.
///
/// Equality, `Debug` and iteration see the set, not its layout.
#[derive(Clone)]
pub(crate) struct KeySet<K> {
    run: Vec<K>,
    alive: Vec<bool>,
    head: usize,
    dead: usize,
    overflow: BTreeSet<K>,
    len: usize,
}

impl<K> Default for KeySet<K> {
    fn default() -> Self {
        Self { run: Vec::new(), alive: Vec::new(), head: 0, dead: 0, overflow: BTreeSet::new(), len: 0 }
    }
}

impl<K: Ord + Copy> KeySet<K> {
    /// Whether the set is empty.
    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `key` (no-op if present).
    pub(crate) fn insert(&mut self, key: K) {
        if self.run.last().is_none_or(|last| *last < key) {
            self.run.push(key);
            self.alive.push(true);
            self.len += 1;
            return;
        }
        match self.run.binary_search(&key) {
            Ok(i) => {
                if let Some(slot) = self.alive.get_mut(i)
                    && !*slot
                {
                    *slot = true;
                    self.dead -= 1;
                    self.len += 1;
                    self.head = self.head.min(i);
                }
            }
            Err(_) => {
                if self.overflow.insert(key) {
                    self.len += 1;
                }
            }
        }
    }

    /// Removes `key` (no-op if absent).
    pub(crate) fn remove(&mut self, key: &K) {
        match self.run.binary_search(key) {
            Ok(i) => {
                if let Some(slot) = self.alive.get_mut(i)
                    && *slot
                {
                    *slot = false;
                    self.dead += 1;
                    self.len -= 1;
                    // The head moves to the next live slot (or past the end).
                    let rest = self.alive.get(self.head..).unwrap_or_default();
                    self.head += rest.iter().position(|alive| *alive).unwrap_or(rest.len());
                    if self.dead * 2 > self.run.len() {
                        self.compact();
                    }
                }
            }
            Err(_) => {
                if self.overflow.remove(key) {
                    self.len -= 1;
                }
            }
        }
    }

    /// Rebuilds the run from the live keys and the overflow, dropping tombstones.
    fn compact(&mut self) {
        let mut run = Vec::with_capacity(self.len);
        run.extend(self.iter().copied());
        self.alive = vec![true; run.len()];
        self.run = run;
        self.head = 0;
        self.dead = 0;
        self.overflow.clear();
    }

    /// The live keys of the run, in order.
    fn run_keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        let keys = self.run.get(self.head..).unwrap_or_default();
        let alive = self.alive.get(self.head..).unwrap_or_default();
        keys.iter().zip(alive).filter(|(_, alive)| **alive).map(|(k, _)| k)
    }

    /// The smallest key.
    pub(crate) fn first(&self) -> Option<&K> {
        let run = self.run.get(self.head).filter(|_| self.alive.get(self.head) == Some(&true));
        match (run, self.overflow.first()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The keys in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &K> {
        merge(self.run_keys(), self.overflow.iter(), |a, b| a <= b)
    }

    /// The keys in decreasing order.
    pub(crate) fn iter_rev(&self) -> impl Iterator<Item = &K> {
        merge(self.run_keys().rev(), self.overflow.iter().rev(), |a, b| a >= b)
    }
}

/// Merges two sorted iterators, taking from `a` while `a_first(a, b)`.
fn merge<'a, K: 'a>(
    a: impl Iterator<Item = &'a K>,
    b: impl Iterator<Item = &'a K>,
    a_first: impl Fn(&K, &K) -> bool,
) -> impl Iterator<Item = &'a K> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) => {
            if a_first(x, y) {
                a.next()
            } else {
                b.next()
            }
        }
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

impl<K: Ord + Copy> PartialEq for KeySet<K> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Ord + Copy + fmt::Debug> fmt::Debug for KeySet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<K: Ord + Copy> FromIterator<K> for KeySet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Self {
        let mut set = Self::default();
        for key in keys {
            set.insert(key);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u16),
        Remove(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        // Mostly increasing inserts and small removals, like a ledger; any key may come.
        prop_oneof![
            3 => (0u16..400).prop_map(Op::Insert),
            2 => (0u16..400).prop_map(Op::Remove),
        ]
    }

    /// The layout invariants of the type's docs.
    fn check_layout(set: &KeySet<u16>) -> Result<(), TestCaseError> {
        prop_assert!(set.run.windows(2).all(|w| w[0] < w[1]), "run not increasing");
        prop_assert_eq!(set.run.len(), set.alive.len());
        prop_assert!(set.alive.iter().take(set.head).all(|a| !a), "a live key before head");
        prop_assert!(set.head >= set.run.len() || set.alive[set.head], "head is a tombstone");
        prop_assert_eq!(set.dead, set.alive.iter().filter(|a| !**a).count());
        prop_assert_eq!(set.len, set.alive.iter().filter(|a| **a).count() + set.overflow.len());
        prop_assert!(set.dead * 2 <= set.run.len(), "more than half tombstones after a removal");
        let last = set.run.last();
        prop_assert!(set.overflow.iter().all(|k| Some(k) < last && set.run.binary_search(k).is_err()));
        Ok(())
    }

    proptest! {
        #[test]
        fn behaves_like_a_btreeset(ops in proptest::collection::vec(op(), 0..300)) {
            let mut set = KeySet::default();
            let mut model = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Insert(k) => {
                        set.insert(k);
                        model.insert(k);
                    }
                    Op::Remove(k) => {
                        set.remove(&k);
                        model.remove(&k);
                    }
                }
                prop_assert_eq!(set.is_empty(), model.is_empty());
                check_layout(&set)?;
                prop_assert_eq!(set.first(), model.first());
                prop_assert!(set.iter().eq(model.iter()));
                prop_assert!(set.iter_rev().eq(model.iter().rev()));
                prop_assert_eq!(&set, &model.iter().copied().collect::<KeySet<_>>());
            }
        }
    }

    #[test]
    fn drains_from_the_front_and_refills() {
        let mut set: KeySet<u32> = (0..100).collect();
        for k in 0..60 {
            set.remove(&k);
        }
        assert_eq!(set.first(), Some(&60));
        set.insert(5);
        set.insert(200);
        assert_eq!(set.iter().copied().take(3).collect::<Vec<_>>(), [5, 60, 61]);
        assert_eq!(set.iter_rev().next(), Some(&200));
        assert_eq!(format!("{set:?}"), format!("{:?}", set.iter().collect::<BTreeSet<_>>()));
        // A tombstone revived: it is alive again, before the head.
        let mut set: KeySet<u32> = (0..10).collect();
        set.remove(&0);
        set.remove(&1);
        assert_eq!((set.head, set.first()), (2, Some(&2)));
        set.insert(1);
        assert_eq!((set.head, set.first(), set.len, set.dead), (1, Some(&1), 9, 1));
        set.insert(1);
        assert_eq!(set.len, 9);
        // Removing more than half compacts the run.
        for k in 2..7 {
            set.remove(&k);
        }
        assert_eq!((set.run.as_slice(), set.dead, set.head), ([1, 7, 8, 9].as_slice(), 0, 0));
        set.remove(&42);
        assert_eq!(set.len, 4);
        // Overflow keys: before the run's last key, not in the run.
        set.insert(3);
        set.insert(3);
        assert_eq!((set.overflow.len(), set.len, set.first()), (1, 5, Some(&1)));
        set.remove(&1);
        assert_eq!(set.first(), Some(&3));
        set.remove(&3);
        assert_eq!((set.overflow.len(), set.len), (0, 3));
        assert!(!set.is_empty());
        assert_ne!(set, (7..9).collect::<KeySet<u32>>());
        assert_ne!(set, (6..10).collect::<KeySet<u32>>());
        assert_eq!(set, [9, 8, 7].into_iter().collect::<KeySet<u32>>());
        assert_eq!(set.iter_rev().copied().collect::<Vec<_>>(), [9, 8, 7]);
    }
    #[test]
    fn sets_of_equal_size_differ_by_their_keys() {
        let set = |keys: &[u32]| keys.iter().copied().collect::<KeySet<u32>>();
        assert_ne!(set(&[1, 2, 3]), set(&[1, 2, 4]));
        assert_ne!(set(&[1, 2, 3]), set(&[1, 2]));
        assert_eq!(set(&[3, 1, 2]), set(&[1, 2, 3]));
        assert_eq!(set(&[]), KeySet::default());
    }
}
